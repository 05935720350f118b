import { binanceErrors } from './binance-emulator-errors';

const DECIMAL = /^\d{1,20}(\.\d{1,20})?$/;
const INTEGER = /^\d{1,19}$/;

/**
 * Reads a request's parameters as Binance does: a missing mandatory one is -1102, a malformed one
 * -1100, each naming the parameter. The query string and the form body are read together.
 */
export class BinanceParams {
  private readonly params: URLSearchParams;

  constructor(query: string, body: string) {
    this.params = new URLSearchParams(body === '' ? query : `${query}&${body}`);
  }

  /** A parameter's raw value; empty counts as absent. */
  optional(name: string): string | undefined {
    const value = this.params.get(name);
    return value === null || value === '' ? undefined : value;
  }

  /** A mandatory parameter. */
  required(name: string): string {
    const value = this.optional(name);
    if (value === undefined) throw binanceErrors.missing(name);
    return value;
  }

  /** A decimal such as `0.00100000`, or `undefined` when absent. */
  decimal(name: string): number | undefined {
    const raw = this.optional(name);
    if (raw === undefined) return undefined;
    if (!DECIMAL.test(raw)) throw binanceErrors.illegal(name);
    return Number(raw);
  }

  /** A non-negative integer within `max`, or `undefined` when absent. */
  integer(name: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const raw = this.optional(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!INTEGER.test(raw) || value > max) throw binanceErrors.illegal(name);
    return value;
  }
}
