/**
 * The simulator's clock. Every timestamp the simulated cluster shows (replication state,
 * task UPIDs, logs, the Date header, /nodes/{node}/time) comes from here, so the app can
 * replay a day in seconds and tests can step time by hand.
 */
export type SimClock = {
  /** Simulated time in milliseconds since the epoch. */
  nowMs(): number;
  /** Moves simulated time forward; negative steps are refused (the model never runs backwards). */
  advance(ms: number): void;
  /** Jumps to an absolute time, which must not be before the current one. */
  set(ms: number): void;
  /** How many simulated seconds pass per real second; 0 freezes the clock (tests). */
  readonly speed: number;
  setSpeed(speed: number): void;
};

export type ClockOptions = {
  /** Simulated start time in ms (default: the real time). */
  startMs?: number;
  /** Default 1 (real time). */
  speed?: number;
  /** Source of real time, injectable for tests. */
  realNowMs?: () => number;
};

export function createClock(options: ClockOptions = {}): SimClock {
  const realNow = options.realNowMs ?? Date.now;
  let baseSim = options.startMs ?? realNow();
  let baseReal = realNow();
  let speed = options.speed ?? 1;
  const nowMs = () => baseSim + (realNow() - baseReal) * speed;
  const rebase = (sim: number) => {
    baseSim = sim;
    baseReal = realNow();
  };
  return {
    nowMs,
    advance(ms) {
      if (!(ms >= 0)) throw new RangeError("the simulator clock only moves forward");
      rebase(nowMs() + ms);
    },
    set(ms) {
      const now = nowMs();
      if (ms < now) throw new RangeError("the simulator clock only moves forward");
      rebase(ms);
    },
    get speed() {
      return speed;
    },
    setSpeed(next) {
      if (!(next >= 0)) throw new RangeError("speed must be >= 0");
      rebase(nowMs());
      speed = next;
    },
  };
}
