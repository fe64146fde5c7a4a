/**
 * Whether a promise is already as good as settled, for code that must not wait on it: a stream
 * read of a chunk the stream already holds settles one microtask hop after read() in workerd,
 * one waiting on I/O does not. A rejection counts as settled.
 */
const IDLE = Symbol('idle');
const idle = Promise.resolve(IDLE);
const same = <T>(x: T) => x;

/** Settles two microtask hops from now: after a read of a chunk already there, before one that waits. */
const soon = () => idle.then(same);

/** Settles after the current task (a timer): after anything that needs no more I/O. */
const nextTimer = () => new Promise<typeof IDLE>((resolve) => setTimeout(resolve, 0, IDLE));

// `p` races the marker itself (no `.then` on it first), or it would lose the hops it has.
const wins = (p: Promise<unknown>, marker: Promise<typeof IDLE>): Promise<boolean> =>
  Promise.race([p, marker]).then(
    (v) => v !== IDLE,
    () => true,
  );

/** True when `p` settles within two microtask hops. */
export const settlesAtOnce = (p: Promise<unknown>): Promise<boolean> => wins(p, soon());

/** True when `p` settles before a timer set now fires. */
export const settlesByNextTimer = (p: Promise<unknown>): Promise<boolean> => wins(p, nextTimer());
