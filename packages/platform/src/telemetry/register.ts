// `node --import <this file> <entry>`: tracing is set up before the entry loads pg and node:http, so
// their instrumentations can wrap them (see setup.ts). The stack starts every service process so.
import { startTelemetry } from './setup.ts';

startTelemetry();
