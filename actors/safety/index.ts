/**
 * Safety: what lets an operator stop, inspect and restart a running instance. Commonly used
 * first: the control plane every surface (CLI, gateway, Telegram) goes through, and its audit;
 * then the command vocabulary; then the local admin token.
 */

// Commonly used
export { ControlPlane, ControlTargetRefusal, REQUIRED_ROLE, isAllowed } from './control-plane';
export type {
  AuditEntry,
  AuditLog,
  ControlAnswer,
  ControlPlaneDeps,
  ControlTarget,
  Identity,
  RefusalReason,
  Role,
  Via,
} from './control-plane';
export { MemoryAuditLog } from './control-audit';

// Commands
export {
  COMMAND_USAGE,
  ControlCommandError,
  DEFAULT_HALT_REASON,
  changesState,
  commandLine,
  describeCommand,
  parseCommand,
} from './control-commands';
export type {
  ControlCommand,
  ControlCommandInput,
  ControlCommandName,
  ControlCommandProblem,
  ControlCommandType,
  EngineMode,
} from './control-commands';
export { OPS_COMMAND_USAGE, POSTMORTEM_FIELDS } from './ops-commands';
export type { OpsCommand, OpsCommandName, PostmortemField } from './ops-commands';

// Incidents and the stability gate, as operator commands reach them
export { OpsControl } from './ops-control';
export type { IncidentLine, OpsIncidentBook } from './ops-control';

// Local admin credential
export {
  ADMIN_TOKEN_FILE,
  AdminTokenError,
  readAdminToken,
  tokenMatches,
  writeAdminToken,
} from './admin-token';
export type { AdminTokenProblem } from './admin-token';
