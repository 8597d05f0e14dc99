import { join } from 'node:path';
import { infraConfigDir, kafkaLibDir } from './paths.ts';

/** java arguments shared by the Kafka and Connect JVMs: sized heap, logs to a file only. */
export function jvmArgs(options: {
  heapMb: number;
  logFile: string;
  mainClass: string;
  args: string[];
}): string[] {
  return [
    `-Xms${Math.min(256, options.heapMb)}m`,
    `-Xmx${options.heapMb}m`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(infraConfigDir, 'log4j2.properties')}`,
    `-Dmicroshop.log.file=${options.logFile}`,
    '-cp',
    join(kafkaLibDir, '*'),
    options.mainClass,
    ...options.args,
  ];
}
