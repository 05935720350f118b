import type { AnyEventObject } from 'xstate';
import { BehaviourRunner } from './behaviour-runner';
import type { BehaviourStart, StepResult } from './behaviour-runner';
import { RealClock } from './clock';
import type { ComponentDefinition } from './component';

/** Parameters the parent passes when it forks a component. */
export interface ForkedRunnerParams {
  /** Absolute path of the module whose default export is the component definition. */
  readonly module: string;
}

/** A step's result plus the snapshot, which the parent persists. */
export interface ForkedStep {
  readonly result: StepResult;
  readonly snapshot: unknown;
  readonly summary: Record<string, unknown>;
}

/**
 * The comedy actor that runs inside a forked child process: the same {@link BehaviourRunner} as
 * in-process, driven by the parent over IPC. Time-driven events come from the parent (it owns the
 * deadlines), so the child holds no timers of its own and a busy loop here stops only this process.
 */
export default class ForkedRunner {
  private definition: ComponentDefinition | undefined;
  private runner: BehaviourRunner | undefined;

  initialize(self: { getCustomParameters(): ForkedRunnerParams }): void {
    detachFromSignals();
    const { module } = self.getCustomParameters();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by path at run time, by design
    const loaded = require(module) as { default?: ComponentDefinition };
    if (!loaded.default) throw new Error(`${module} has no default export (a component definition)`);
    this.definition = loaded.default;
  }

  start(start: BehaviourStart): ForkedStep {
    if (!this.definition) throw new Error('forked runner not initialized');
    this.runner?.stop();
    this.runner = new BehaviourRunner(this.definition, start, new RealClock());
    return this.report(this.runner.start());
  }

  step(event: AnyEventObject): ForkedStep {
    if (!this.runner) throw new Error('forked runner not started');
    return this.report(this.runner.step(event));
  }

  ping(): string {
    return 'pong';
  }

  /** Fault injection: a real busy loop; only the watchdog's SIGKILL ends it. */
  hang(): void {
    for (;;) {
      // spin
    }
  }

  /** Fault injection: the process dies abruptly, as on a fatal native error. */
  crash(): void {
    process.exit(70);
  }

  destroy(): void {
    this.runner?.stop();
  }

  private report(result: StepResult): ForkedStep {
    const runner = this.runner as BehaviourRunner;
    return { result, snapshot: result.changed ? runner.persisted() : undefined, summary: runner.summary() };
  }
}

/**
 * The parent owns this process's life. A Ctrl-C reaches the whole process group, and comedy's own
 * handlers would exit at once, so the parent would see a crash in the middle of its graceful stop:
 * ignore SIGINT/SIGTERM here. And if the parent dies (even by SIGKILL) the IPC channel closes:
 * exit then, instead of lingering as an orphan on comedy's ping timer.
 */
function detachFromSignals(): void {
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  process.once('disconnect', () => process.exit(0));
}
