import test from 'ava';
import { Mailbox } from '../../actors/kernel/mailbox';

test('mailbox handles messages one at a time in arrival order, async handlers included', async (t) => {
  const log: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const box = new Mailbox<string>(
    (m) => {
      log.push(`start ${m}`);
      if (m === 'slow') return gate.then(() => void log.push(`end ${m}`));
      log.push(`end ${m}`);
      return undefined;
    },
    () => t.fail(),
  );
  box.post('a');
  box.post('slow');
  box.post('b');
  t.deepEqual(log, ['start a', 'end a', 'start slow']);
  release();
  await gate;
  await Promise.resolve();
  t.deepEqual(log, ['start a', 'end a', 'start slow', 'end slow', 'start b', 'end b']);
});

test('mailbox queues a re-entrant post instead of nesting it', (t) => {
  const log: string[] = [];
  const box: Mailbox<number> = new Mailbox<number>(
    (n) => {
      log.push(`in ${n}`);
      if (n === 1) box.post(2);
      log.push(`out ${n}`);
    },
    () => t.fail(),
  );
  box.post(1);
  t.deepEqual(log, ['in 1', 'out 1', 'in 2', 'out 2']);
});

test('a paused mailbox keeps queueing and a closed one refuses and drops', (t) => {
  const handled: number[] = [];
  const box = new Mailbox<number>(
    (n) => void handled.push(n),
    () => t.fail(),
  );
  box.pause();
  box.post(1);
  box.post(2);
  t.deepEqual(handled, []);
  t.is(box.size, 2);
  box.resume();
  t.deepEqual(handled, [1, 2]);
  box.pause();
  box.post(3);
  t.deepEqual(box.close(), [3]);
  t.false(box.post(4));
});

test('a throwing handler is reported and the mailbox carries on', (t) => {
  const errors: unknown[] = [];
  const handled: number[] = [];
  const box = new Mailbox<number>(
    (n) => {
      if (n === 1) throw new Error('boom');
      handled.push(n);
    },
    (error) => errors.push(error),
  );
  box.post(1);
  box.post(2);
  t.is(errors.length, 1);
  t.deepEqual(handled, [2]);
});
