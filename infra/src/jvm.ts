import { join } from 'node:path';
import { infraConfigDir, kafkaLibDir } from './paths.ts';

const envVarConfigProvider = 'org.apache.kafka.common.config.provider.EnvVarConfigProvider';

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
    // Config providers a config may name: only the environment one the Connect worker uses for the
    // CDC password (Kafka would otherwise load any provider class a config names).
    `-Dorg.apache.kafka.automatic.config.providers=${envVarConfigProvider}`,
    `-Dlog4j2.configurationFile=${join(infraConfigDir, 'log4j2.properties')}`,
    `-Dmicroshop.log.file=${options.logFile}`,
    '-cp',
    join(kafkaLibDir, '*'),
    options.mainClass,
    ...options.args,
  ];
}
