/**
 * Timed events on the simulator clock (HA delays, task ends, scripted incidents). `SimCore.sync`
 * interleaves them with the pvesr scheduler in time order, so a one-day jump gives exactly what
 * a day of small steps would have given. Events at the same time run in the order they were
 * scheduled.
 */
export type SimEvent = { at: number; seq: number; label: string; run: (at: number) => void };

export class EventQueue {
  private readonly queue: SimEvent[] = [];
  private seq = 0;

  schedule(at: number, label: string, run: (at: number) => void): SimEvent {
    const event: SimEvent = { at, seq: this.seq++, label, run };
    // Insert keeping (at, seq) order; queues stay short, so a linear scan from the end is enough.
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1] as SimEvent).at > at) i--;
    this.queue.splice(i, 0, event);
    return event;
  }

  cancel(event: SimEvent): void {
    const i = this.queue.indexOf(event);
    if (i >= 0) this.queue.splice(i, 1);
  }

  peek(): SimEvent | undefined {
    return this.queue[0];
  }

  shift(): SimEvent | undefined {
    return this.queue.shift();
  }

  /** Pending events, soonest first (for the control API). */
  list(): { at: number; label: string }[] {
    return this.queue.map((e) => ({ at: e.at, label: e.label }));
  }
}
