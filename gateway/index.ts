// Commonly used: start the gateway over a running system.
export { startGateway, DEFAULT_HOST, DEFAULT_PORT } from './server';
export type { Gateway, GatewayOptions } from './server';

// Advanced: the Koa app without a server, and the shapes it answers with.
export { createApp } from './app';
export type { AppOptions } from './app';
export type { JournalPage } from './routes/journal';
export type {
  EnginesAnswer,
  FillsAnswer,
  OrderSummary,
  OrdersAnswer,
  PositionsAnswer,
} from './routes/trading';
export { MAX_TRADING_LIMIT, TRADING_NOT_RUNNING } from './routes/trading';
export { OPS_NOT_KEPT } from './routes/ops';
export type { OpsView } from './routes/ops';
export type { ErrorBody } from './errors';
export { DEFAULT_SSE_OPTIONS, formatTransition } from './sse';
export type { SseOptions } from './sse';

// Internal building blocks, exported for specs and for other adapters that answer HTTP.
export { BadParameterError, HttpError, MethodNotAllowedError, NotFoundError, errorHandler } from './errors';
export { DashboardMissingError, serveDashboard } from './static';
export {
  QueryParser,
  actorParam,
  booleanParam,
  choiceParam,
  integerParam,
  nameParam,
  parseParam,
} from './params';
export { SseStreams, TransitionStream } from './sse';
