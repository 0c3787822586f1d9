/** Wiring BoardSync to the room: the controller as its channel, HTTP for its files. */
import type { BoardElement } from "../protocol";
import type { RoomController } from "../room/controller";
import type { BoardChannel, FileTransport } from "./boardSync";
import { dataUrlToBlob, downloadImage, uploadImage } from "./files";

export function controllerChannel(controller: RoomController): BoardChannel {
  return {
    sendUpdate: (elements) => {
      controller.sendBoardUpdate(elements as unknown as readonly BoardElement[]);
    },
    sendRaw: (message) => controller.sendRaw(message),
    isConnected: () => controller.getSnapshot().connection.status === "connected",
    canEdit: () => {
      const { room } = controller.getSnapshot();
      return room.ready && !room.readOnly;
    },
    pendingUpdates: () => controller.pendingBoardUpdates(),
    listen: (listener) => controller.addBoardListener(listener),
    subscribe: (listener) => controller.subscribe(listener),
  };
}

export function httpFiles(publicId: string): FileTransport {
  return {
    upload: (fileId, blob) => uploadImage(publicId, fileId, blob),
    download: (url, mimeType) => downloadImage(url, mimeType),
    toBlob: (dataURL, mimeType) => dataUrlToBlob(dataURL, mimeType),
  };
}
