/** Every benchmark `npm run bench` runs, in this order. */
import type { Benchmark } from './support/bench-types.js';
import { hostOverhead } from './host-overhead.js';
import { throughput } from './throughput.js';
import { burst } from './burst.js';
import { scaleOut } from './scale-out.js';
import { memory } from './memory.js';
import { hostile } from './hostile.js';
import { dueQuery } from './due-query.js';
import { conditions } from './conditions.js';
import { hostLoad } from './host-load.js';

export const benchmarks: Benchmark[] = [hostOverhead, throughput, dueQuery, burst, memory, scaleOut, hostile, conditions, hostLoad];
