import { useEffect, useState, useSyncExternalStore } from "react";
import { CrossingWatcher } from "../timer/crossings";
import { safeTimerView, warningLevel } from "../timer/timerMath";
import type { RoomController, RoomNotice, RoomView } from "./controller";

export function useRoomView(controller: RoomController): RoomView {
  return useSyncExternalStore(controller.subscribe, controller.getSnapshot, controller.getSnapshot);
}

const LOCAL_CLOCK_STEP_MS = 250;

function subscribeLocalClock(listener: () => void): () => void {
  const id = window.setInterval(listener, LOCAL_CLOCK_STEP_MS);
  return () => window.clearInterval(id);
}

function subscribeNever(): () => void {
  return () => undefined;
}

function localClockSnapshot(): number {
  return Math.floor(Date.now() / LOCAL_CLOCK_STEP_MS) * LOCAL_CLOCK_STEP_MS;
}

/**
 * The local clock in 250 ms steps, re-rendering only while `active` (for countdown
 * labels). Always current when read, so a label never starts from a stale time.
 */
export function useLocalNow(active: boolean): number {
  return useSyncExternalStore(
    active ? subscribeLocalClock : subscribeNever,
    localClockSnapshot,
    localClockSnapshot,
  );
}

export interface TimerTick {
  /** Server time (ms), clock-corrected. */
  now: number;
  /** The latest warning crossing ("2 minutes left in …", "Time is up for …"). */
  announcement: RoomNotice | null;
}

export const TIMER_TICK_MS = 250;

/**
 * Server time every 250 ms, plus warnings when the current phase crosses 2 minutes left or
 * runs out. Each crossing is announced once (see timer/crossings.ts).
 */
export function useTimerTick(controller: RoomController): TimerTick {
  const [tick, setTick] = useState<TimerTick>(() => ({
    now: controller.serverNow(),
    announcement: null,
  }));
  useEffect(() => {
    const watcher = new CrossingWatcher();
    let counter = 0;
    const step = () => {
      const now = controller.serverNow();
      const { room } = controller.getSnapshot();
      const view = room.timer
        ? safeTimerView(room.timer, room.agenda.map((p) => p.minutes), now)
        : null;
      let message: string | null = null;
      if (view) {
        const name = room.agenda[view.phase_index]?.name ?? "this phase";
        message = watcher.observe(
          { phaseIndex: view.phase_index, level: warningLevel(view.remaining_ms) },
          name,
        );
      } else {
        watcher.clear();
      }
      if (message !== null) counter += 1;
      const text = message;
      setTick((previous) => ({
        now,
        announcement: text === null ? previous.announcement : { id: counter, text },
      }));
    };
    const id = window.setInterval(step, TIMER_TICK_MS);
    return () => window.clearInterval(id);
  }, [controller]);
  return tick;
}
