/**
 * The shared Excalidraw board of the live room. Loaded lazily (BoardArea), so the room's
 * header and timer show before Excalidraw's code has arrived.
 *
 * Data flow: BoardSync owns the board's state and the wire; this component adapts the
 * Excalidraw API to it (BoardScene), shows other people's cursors, follows a viewport,
 * and exports images.
 */
import "@excalidraw/excalidraw/index.css";
import {
  CaptureUpdateAction,
  Excalidraw,
  exportToBlob,
  exportToSvg,
  newElementWith,
  restoreElements,
} from "@excalidraw/excalidraw";
import type { ExcalidrawElement, FileId, NonDeletedExcalidrawElement } from "@excalidraw/excalidraw/element/types";
import type {
  AppState,
  BinaryFileData,
  Collaborator,
  DataURL,
  ExcalidrawImperativeAPI,
  OnUserFollowedPayload,
  SocketId,
  UIOptions,
} from "@excalidraw/excalidraw/types";
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { PersonOut, PresenceOut } from "../protocol";
import type { RoomController } from "../room/controller";
import type { LeaveGate } from "../room/leaveGate";
import type { EndedState } from "../room/store";
import { watchBoardControls } from "./a11yExtras";
import type { BoardScene, BoardSync, SceneFile } from "./boardSync";
import { BoardToolbar, type ExportKind } from "./BoardToolbar";
import { addFontFallbacks, downloadBlob, exportFileName, savesFinalBoard, uploadFinalBoard } from "./exporting";
import {
  collaboratorsFor,
  CURSOR_INTERVAL_MS,
  followCandidates,
  followViewport,
  MAX_SHARED_SELECTION,
  parseCursor,
  parseViewport,
  peerKey,
  peerLabel,
  sameViewport,
  Throttle,
  userIdFromKey,
  VIEWPORT_INTERVAL_MS,
  type PeerCursor,
  type PeerViewport,
} from "./peers";
import type { WireElement } from "./reconcile";

export interface RoomBoardProps {
  sync: BoardSync;
  controller: RoomController;
  publicId: string;
  me: PersonOut | null;
  presence: ReadonlyMap<number, PresenceOut>;
  readOnly: boolean;
  ended: EndedState;
  gate: LeaveGate;
}

/** Nothing that would replace the shared scene from a file, or export with embedded fonts. */
const UI_OPTIONS: Partial<UIOptions> = {
  canvasActions: {
    loadScene: false,
    saveToActiveFile: false,
    export: false,
    saveAsImage: false,
  },
};

/** BoardSync's view of the Excalidraw API. */
function sceneFor(api: ExcalidrawImperativeAPI): BoardScene {
  return {
    getElements: () => api.getSceneElementsIncludingDeleted() as unknown as readonly WireElement[],
    setElements: (elements) =>
      api.updateScene({
        elements: elements as unknown as readonly ExcalidrawElement[],
        captureUpdate: CaptureUpdateAction.NEVER,
      }),
    normalize: (elements) =>
      restoreElements(elements as unknown as readonly ExcalidrawElement[], null) as unknown as WireElement[],
    getFiles: () => api.getFiles() as unknown as Readonly<Record<string, SceneFile | undefined>>,
    addFile: (file) =>
      api.addFiles([
        {
          id: file.id as FileId,
          mimeType: file.mimeType as BinaryFileData["mimeType"],
          dataURL: file.dataURL as DataURL,
          created: Date.now(),
        },
      ]),
    deleted: (element) =>
      newElementWith(element as unknown as ExcalidrawElement, { isDeleted: true }) as unknown as WireElement,
  };
}

function exportInput(api: ExcalidrawImperativeAPI) {
  return {
    elements: api.getSceneElements() as readonly NonDeletedExcalidrawElement[],
    appState: { ...api.getAppState(), exportBackground: true },
    files: api.getFiles(),
  };
}

async function pngOf(api: ExcalidrawImperativeAPI): Promise<Blob> {
  return exportToBlob({ ...exportInput(api), mimeType: "image/png" });
}

/** SVG without embedded fonts: inlining them needs WebAssembly + eval, which the CSP forbids. */
async function svgOf(api: ExcalidrawImperativeAPI): Promise<Blob> {
  const svg = await exportToSvg({ ...exportInput(api), skipInliningFonts: true });
  addFontFallbacks(svg);
  return new Blob([new XMLSerializer().serializeToString(svg)], { type: "image/svg+xml" });
}

async function saveFinalBoard(api: ExcalidrawImperativeAPI, publicId: string): Promise<void> {
  if (api.getSceneElements().length === 0) return;
  const [png, svg] = await Promise.all([pngOf(api), svgOf(api)]);
  await uploadFinalBoard(publicId, png, svg);
}

interface CursorOut {
  pointer: PeerCursor["pointer"];
  button: "down" | "up";
  selected: string[];
}

export default function RoomBoard(props: RoomBoardProps) {
  const { sync, controller, publicId, me, presence, readOnly, ended, gate } = props;
  const [api, setApi] = useState<ExcalidrawImperativeAPI | null>(null);
  const view = useSyncExternalStore(sync.subscribeView, sync.getView, sync.getView);
  const [following, setFollowing] = useState<number | null>(null);
  const [exporting, setExporting] = useState<ExportKind | null>(null);
  const region = useRef<HTMLDivElement>(null);
  const meId = me?.user_id ?? null;

  // Other people's last cursor and viewport, by user id; read by event handlers only.
  const cursors = useRef(new Map<number, PeerCursor>());
  const viewports = useRef(new Map<number, PeerViewport>());
  const presenceNow = useRef(presence);
  const followingNow = useRef<number | null>(null);
  const lastViewport = useRef<PeerViewport | null>(null);
  const finalSaved = useRef(false);

  const [cursorOut] = useState(
    () =>
      new Throttle<CursorOut>(CURSOR_INTERVAL_MS, (cursor) => controller.sendRaw({ type: "cursor", ...cursor })),
  );
  const [viewportOut] = useState(
    () => new Throttle<PeerViewport>(VIEWPORT_INTERVAL_MS, (v) => controller.sendRaw({ type: "viewport", ...v })),
  );
  useEffect(
    () => () => {
      cursorOut.cancel();
      viewportOut.cancel();
    },
    [cursorOut, viewportOut],
  );

  useEffect(() => (region.current ? watchBoardControls(region.current) : undefined), []);

  useEffect(() => (api ? sync.attach(sceneFor(api)) : undefined), [api, sync]);

  const showCollaborators = useCallback(() => {
    if (!api) return;
    const map = collaboratorsFor(presenceNow.current, meId, cursors.current);
    api.updateScene({ collaborators: map as unknown as Map<SocketId, Collaborator> });
  }, [api, meId]);

  const applyViewport = useCallback(
    (leader: PeerViewport) => {
      if (!api) return;
      const mine = api.getAppState();
      const next = followViewport(leader, { width: mine.width, height: mine.height });
      api.updateScene({
        appState: {
          scrollX: next.scrollX,
          scrollY: next.scrollY,
          zoom: { value: next.zoom } as AppState["zoom"],
        },
        captureUpdate: CaptureUpdateAction.NEVER,
      });
    },
    [api],
  );

  // Who is here: forget cursors of people who left, stop following them.
  useEffect(() => {
    presenceNow.current = presence;
    for (const id of [...cursors.current.keys()]) if (!presence.has(id)) cursors.current.delete(id);
    for (const id of [...viewports.current.keys()]) if (!presence.has(id)) viewports.current.delete(id);
    showCollaborators();
  }, [presence, showCollaborators]);

  const leaderPresent = following !== null && presence.has(following);
  const activeLeader = leaderPresent ? following : null;
  useEffect(() => {
    followingNow.current = activeLeader;
  }, [activeLeader]);

  // Cursors and viewports from the others.
  useEffect(
    () =>
      controller.addBoardListener({
        onEphemeral: (frame) => {
          const sender = frame.sender?.user_id;
          if (typeof sender !== "number" || sender === meId) return;
          if (frame.kind === "cursor") {
            const cursor = parseCursor(frame.payload ?? {});
            if (!cursor) return;
            cursors.current.set(sender, cursor);
            showCollaborators();
          } else if (frame.kind === "viewport") {
            const viewport = parseViewport(frame.payload ?? {});
            if (!viewport) return;
            viewports.current.set(sender, viewport);
            if (followingNow.current === sender) applyViewport(viewport);
          }
        },
      }),
    [controller, meId, showCollaborators, applyViewport],
  );

  const follow = (userId: number | null) => {
    setFollowing(userId);
    followingNow.current = userId;
    if (!api) return;
    const person = userId === null ? undefined : presence.get(userId);
    api.updateScene({
      appState: {
        userToFollow:
          person && userId !== null
            ? { socketId: peerKey(userId) as SocketId, username: peerLabel(person) }
            : null,
      },
    });
    const viewport = userId === null ? undefined : viewports.current.get(userId);
    if (viewport) applyViewport(viewport);
  };

  // Excalidraw's own follow (clicking an avatar) and its unfollow on your own scroll or zoom.
  const onUserFollow = useCallback((payload: OnUserFollowedPayload) => {
    const userId = userIdFromKey(payload.userToFollow.socketId);
    if (payload.action === "FOLLOW") {
      setFollowing(userId);
      followingNow.current = userId;
      const viewport = userId === null ? undefined : viewports.current.get(userId);
      if (viewport) applyViewport(viewport);
    } else {
      setFollowing((current) => (current === userId ? null : current));
      if (followingNow.current === userId) followingNow.current = null;
    }
  }, [applyViewport]);

  const onChange = useCallback(
    (_elements: readonly unknown[], appState: AppState) => {
      sync.onLocalChange();
      const viewport: PeerViewport = {
        scrollX: appState.scrollX,
        scrollY: appState.scrollY,
        zoom: appState.zoom.value,
        width: appState.width,
        height: appState.height,
      };
      if (!sameViewport(lastViewport.current, viewport)) {
        lastViewport.current = viewport;
        viewportOut.push(viewport);
      }
    },
    [sync, viewportOut],
  );

  const onPointerUpdate = useCallback(
    (payload: { pointer: CursorOut["pointer"]; button: "down" | "up" }) => {
      const { x, y, tool } = payload.pointer;
      const selectedIds = api?.getAppState().selectedElementIds ?? {};
      const selected = Object.keys(selectedIds).slice(0, MAX_SHARED_SELECTION);
      cursorOut.push({ pointer: { x, y, tool }, button: payload.button, selected });
    },
    [cursorOut, api],
  );

  const onExport = async (kind: ExportKind) => {
    if (!api) return;
    setExporting(kind);
    try {
      const blob = kind === "png" ? await pngOf(api) : await svgOf(api);
      downloadBlob(blob, exportFileName(publicId, kind));
    } catch (error) {
      console.error("MockRoom board export failed", error);
      sync.showAlert(`Could not make the ${kind.toUpperCase()} file. Please try again.`);
    } finally {
      setExporting(null);
    }
  };

  // When the round ends, the interviewer's room saves the final images (the server takes
  // them from nobody else); the redirect waits for it (LeaveGate, at most a few seconds).
  useEffect(() => {
    if (!savesFinalBoard(me?.role, ended) || !api || finalSaved.current) return;
    finalSaved.current = true;
    gate.hold(
      saveFinalBoard(api, publicId).catch((error: unknown) => {
        console.error("MockRoom: saving the final board failed", error);
      }),
    );
  }, [ended, api, me, gate, publicId]);

  const locked = readOnly || !view.loaded;
  return (
    <>
      <BoardToolbar
        publicId={publicId}
        canExport={api !== null && view.loaded}
        exporting={exporting}
        onExport={(kind) => void onExport(kind)}
        people={followCandidates(presence, meId)}
        following={activeLeader}
        onFollow={follow}
        alert={view.alert}
        onDismissAlert={() => sync.dismissAlert()}
        readOnly={readOnly}
      />
      <div className="room-board__canvas" ref={region} data-testid="board-canvas" data-loaded={view.loaded ? "1" : "0"}>
        <div className="room-board__stage">
          <Excalidraw
            excalidrawAPI={setApi}
            onChange={onChange}
            onPointerUpdate={onPointerUpdate}
            onUserFollow={onUserFollow}
            viewModeEnabled={locked}
            isCollaborating
            name="Interview whiteboard"
            UIOptions={UI_OPTIONS}
          />
        </div>
      </div>
    </>
  );
}
