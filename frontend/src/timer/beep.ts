/**
 * A short beep through WebAudio, for the timer warnings when "Sound" is on. Browsers only
 * allow audio after a user gesture, so the AudioContext is made when sound is switched on.
 */

type AudioContextConstructor = new () => AudioContext;

function audioContextClass(): AudioContextConstructor | null {
  if (typeof window === "undefined") return null;
  const legacy = (window as unknown as { webkitAudioContext?: AudioContextConstructor })
    .webkitAudioContext;
  return window.AudioContext ?? legacy ?? null;
}

/** Make (or wake) an AudioContext; call from a user gesture. Null when audio is unavailable. */
export function prepareAudio(existing: AudioContext | null): AudioContext | null {
  try {
    const context = existing ?? (() => {
      const Ctor = audioContextClass();
      return Ctor ? new Ctor() : null;
    })();
    if (context && context.state === "suspended") void context.resume();
    return context;
  } catch {
    return null;
  }
}

/** Play a soft beep: `frequency` Hz for `durationMs`. Silently does nothing on failure. */
export function beep(context: AudioContext, frequency = 880, durationMs = 180): void {
  try {
    const start = context.currentTime;
    const end = start + durationMs / 1000;
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, end);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start);
    oscillator.stop(end + 0.02);
  } catch {
    // Audio is a nicety; the visual and spoken warnings remain.
  }
}
