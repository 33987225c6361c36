// tsc compiles only the TypeScript sources; the protobuf code generated from proto/ is plain JavaScript
// and is copied beside the compiled modules that import it.
import { cpSync } from 'node:fs';

cpSync('src/wire/generated/lanchat.js', 'dist/wire/generated/lanchat.js');
