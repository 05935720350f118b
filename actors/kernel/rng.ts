/**
 * Seeded randomness. Every component draws from its own named stream, derived from the root seed
 * and the stream's name alone, so adding a component never shifts another component's sequence.
 *
 * @example
 * const rng = new Rng(42);
 * const feed = rng.stream('feed');      // same numbers for seed 42, whatever else exists
 * feed.next();                           // uniform in [0, 1)
 */
export class Rng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = mix(seed >>> 0);
  }

  /** An independent generator for `name`; the same seed and name always give the same sequence. */
  stream(name: string): Rng {
    return new Rng(mix((this.seed ^ hashString(name)) >>> 0));
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = nextState(this.state);
    return toUnit(this.state);
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Standard normal deviate (Box-Muller). */
  normal(): number {
    const u = Math.max(this.next(), Number.EPSILON);
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Exponentially distributed wait with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** `true` with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick needs a non-empty array');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** The generator's state, so a pure machine can carry its stream in its context. */
  get position(): number {
    return this.state;
  }
}

/**
 * Pure step of the stream generator (mulberry32), for machines that keep their random state in
 * context so that a restored snapshot continues the same sequence.
 */
export function nextState(state: number): number {
  return (state + 0x6d2b79f5) >>> 0;
}

/** Maps a generator state to a uniform number in [0, 1). */
export function toUnit(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** One draw from a context-held stream: the uniform value and the state to store back. */
export function draw(state: number): { value: number; state: number } {
  const next = nextState(state);
  return { value: toUnit(next), state: next };
}

function mix(x: number): number {
  let h = x ^ 0x9e3779b9;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** FNV-1a, 32 bit. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
