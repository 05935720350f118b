import test from 'ava';
import { createActor } from 'xstate';
import { systemMachine } from '../../machines/system.machine';

const HALTED_EXITS = [
  { type: 'sys.booted' },
  { type: 'sys.boot.failed', reason: 'x' },
  { type: 'sys.halt.requested', reason: 'x' },
  { type: 'sys.halted' },
  { type: 'sys.shutdown' },
  { type: 'sys.shutdown.done' },
  { type: 'sys.resume', operator: '' },
] as const;

test('nothing leaves halted but a resume by a named operator', (t) => {
  for (const event of HALTED_EXITS) {
    const actor = createActor(systemMachine).start();
    actor.send({ type: 'sys.booted' });
    actor.send({ type: 'sys.halt.requested', reason: 'root gave up' });
    actor.send({ type: 'sys.halted' });
    actor.send(event);
    t.is(actor.getSnapshot().value, 'halted', `${event.type} must not leave halted`);
  }
  const actor = createActor(systemMachine).start();
  actor.send({ type: 'sys.booted' });
  actor.send({ type: 'sys.halt.requested', reason: 'root gave up' });
  actor.send({ type: 'sys.halted' });
  actor.send({ type: 'sys.resume', operator: 'alice' });
  t.is(actor.getSnapshot().value, 'booting');
  t.is(actor.getSnapshot().context.resumedBy, 'alice');
});
