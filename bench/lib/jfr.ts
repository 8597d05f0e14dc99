// Where a JVM of the stack (Kafka, Kafka Connect) spends its CPU: a JDK Flight Recorder recording of
// its execution samples (`jcmd <pid> JFR.start`, the JDK's own tools, no agent), summarised by thread
// and by the frames of its own code that the samples pass through.
import { execFileSync } from 'node:child_process';
import { stackDirs } from '../../infra/src/paths.ts';
import { readPidFile } from '../../infra/src/proc.ts';
import type { StackSettings } from '../../infra/src/settings.ts';

export interface JfrRecording {
  part: string;
  pid: number;
  file: string;
}

/** Starts recording `part` (a name of the stack's run directory: `kafka`, `connect`) into `file`. */
export function startJfr(settings: StackSettings, part: string, file: string): JfrRecording {
  const running = readPidFile(stackDirs(settings.home).run, part);
  if (!running) throw new Error(`${part} is not running`);
  jcmd(running.pid, 'JFR.start', 'name=bench', 'settings=profile', `filename=${file}`);
  return { part, pid: running.pid, file };
}

/** Stops the recording (which writes its file) and prints its summary. */
export function stopJfr(recording: JfrRecording, ownFrames: RegExp): void {
  jcmd(recording.pid, 'JFR.stop', 'name=bench');
  const text = execFileSync(
    'jfr',
    ['print', '--events', 'jdk.ExecutionSample', '--stack-depth', '64', recording.file],
    { encoding: 'utf8', maxBuffer: 1 << 30 },
  );
  summariseSamples(recording, text, ownFrames);
}

function jcmd(pid: number, ...command: string[]): void {
  execFileSync('jcmd', [String(pid), ...command], { stdio: 'ignore' });
}

/** Shares of the samples: by thread (numbers folded), and the own frames most samples pass through. */
function summariseSamples(recording: JfrRecording, text: string, ownFrames: RegExp): void {
  const samples = text.split('jdk.ExecutionSample {').slice(1);
  const threads = new Map<string, number>();
  const frames = new Map<string, number>();
  for (const sample of samples) {
    const thread = /sampledThread = "([^"]*)"/.exec(sample)?.[1]?.replace(/\d+/g, 'N') ?? '?';
    threads.set(thread, (threads.get(thread) ?? 0) + 1);
    const methods = new Set([...sample.matchAll(/^\s+([\w.$<>]+)\(/gm)].map((match) => match[1] ?? ''));
    for (const method of methods) {
      if (ownFrames.test(method)) frames.set(method, (frames.get(method) ?? 0) + 1);
    }
  }
  const share = (count: number) => `${((100 * count) / samples.length).toFixed(1).padStart(5)} %`;
  const top = (map: Map<string, number>, n: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  console.log(`\n${recording.part} (${recording.file}): ${samples.length} samples`);
  console.log('  by thread:');
  for (const [thread, count] of top(threads, 8)) console.log(`  ${share(count)}  ${thread}`);
  console.log('  frames the samples pass through (inclusive):');
  for (const [method, count] of top(frames, 30)) console.log(`  ${share(count)}  ${method}`);
}
