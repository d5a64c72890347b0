// Every command, in the order `papi --help` lists them.
import bench from './bench.js';
import type { AnyCommand } from '../define.js';
import deploy from './deploy.js';
import dev from './dev.js';
import doctor from './doctor.js';
import evaluate from './evaluate.js';
import get from './get.js';
import init from './init.js';
import local from './local.js';
import logs from './logs.js';
import open from './open.js';
import resume from './resume.js';
import setup from './setup.js';
import status from './status.js';
import suspend from './suspend.js';
import teardown from './teardown.js';
import token from './token.js';
import up from './up.js';

export const COMMANDS: AnyCommand[] = [up, init, setup, evaluate, deploy, token, get, open, status, logs, suspend, resume, bench, dev, doctor, teardown, local];
