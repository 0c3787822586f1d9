// Load generator for tests/load/bench_relay.py: workload W1 with Node and `ws`.
//
//   node tests/load/node/generator.mjs < config.json > record.json
//
// bench_relay.py starts it pinned to the generator's core, writes the step's config as
// JSON on stdin and reads one JSON record from stdout: what every socket sent and saw, with
// times in microseconds of this process's monotonic clock. bench_relay.py turns the record
// into figures (latency percentiles, losses, CPU per message), the same code for this
// generator and the Python one, so both are judged alike.
//
// Why Node: the Python generator (one asyncio loop and `websockets`) saturates its core at
// about 320 rooms of W1, so it cannot show whether a server carries 400. This one needs
// about 15 µs of its core per frame sent or received at 600 rooms (80 frames per room per
// second: ~73 % of the core), nearly half of it in the kernel's loopback TCP. What keeps it
// there: one timer heap for every sender, frames written as text rather than serialized,
// the raw relay's frames read from their bytes rather than parsed, arrays indexed by
// message number rather than Maps, no compression.

import { readdirSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";

const BOARD_RATE = 10; // candidate board updates per second
const CANDIDATE_CURSOR_RATE = 20;
const INTERVIEWER_CURSOR_RATE = 5;
const ELEMENTS_PER_ROOM = 8;
const ORIGIN = "http://localhost";
const LATE_US = 10_000; // a send more than 10 ms behind schedule is late

const config = JSON.parse(readFileSync(0, "utf8"));
const nowUs = () => Math.round(performance.now() * 1000);

// mulberry32: a seeded generator, so a step's start offsets are the same on every run.
let seed = config.seed >>> 0;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const raw = config.target === "raw";
const errors = {};
const countError = (key) => {
  errors[key] = (errors[key] || 0) + 1;
};
let closing = false;
let sends = 0;
let lateSends = 0;
let maxLateUs = 0;

class Room {
  constructor(spec) {
    this.index = spec.index;
    this.spec = spec;
    this.sockets = {};
    this.boardSent = []; // n-1 → send time
    this.acked = [];
    this.refused = [];
    // Indexed by n (arrays, not Maps: n counts up from 1, and a Map costs more per frame)
    this.deliveredAt = []; // n → receive time
    this.latency = []; // n → receive time − send time
    this.cursorSent = { candidate: [], interviewer: [] }; // by sender: n-1 → send time
    this.cursorReceived = { candidate: [], interviewer: [] }; // by sender: n → receive time
  }
}

const rooms = config.rooms.map((spec) => new Room(spec));

function boardSeen(room, elements, now) {
  for (const element of elements) {
    const custom = element.customData;
    if (custom && custom.n !== undefined && room.deliveredAt[custom.n] === undefined) {
      room.deliveredAt[custom.n] = now;
      room.latency[custom.n] = now - custom.sent;
    }
  }
}

function onFrame(room, role, frame, now) {
  const peer = role === "candidate" ? "interviewer" : "candidate";
  const kind = frame.type;
  if (kind === "cursor") {
    // raw relay: the peer's message as sent
    const received = room.cursorReceived[peer];
    const n = frame.pointer.x;
    if (received[n] === undefined) received[n] = now;
  } else if (kind === "ephemeral") {
    if (frame.kind === "cursor") {
      const received = room.cursorReceived[peer];
      const n = frame.payload.pointer.x;
      if (received[n] === undefined) received[n] = now;
    }
  } else if (kind === "event") {
    if (frame.kind === "board.updated" && role === "interviewer") {
      boardSeen(room, frame.payload.elements, now);
    }
  } else if (kind === "board.update") {
    if (role === "interviewer") boardSeen(room, frame.elements, now);
  } else if (kind === "ack") {
    room.acked.push(Number(frame.id.slice(frame.id.lastIndexOf("-") + 1)));
  } else if (kind === "error") {
    countError(frame.code || "?");
    if (typeof frame.id === "string" && frame.id.startsWith("c")) {
      room.refused.push(Number(frame.id.slice(frame.id.lastIndexOf("-") + 1)));
    }
  }
}

// The handler of every frame a socket receives. On the room, a socket counts as connected
// once its snapshot has arrived (`onSnapshot`); frames before it (presence) are not part of
// the workload.
function frameHandler(room, role, onSnapshot) {
  const received = room.cursorReceived[role === "candidate" ? "interviewer" : "candidate"];
  let ready = raw;
  return (data) => {
    const now = nowUs();
    // On the raw relay every frame is our own text or its ack: read the few numbers needed
    // from the bytes, without parsing or decoding (bytes 9 and 10 follow `{"type":"`).
    if (raw) {
      const a = data[9];
      const b = data[10];
      if (a === 0x63 && b === 0x75) {
        // {"type":"cursor","pointer":{"x":N,...
        const n = readInt(data, CURSOR_X);
        if (received[n] === undefined) received[n] = now;
        return;
      }
      if (a === 0x62 && b === 0x6f) {
        // {"type":"board.update",...,"customData":{"sent":S,"n":N}}]}
        if (role === "interviewer") {
          const sent = readInt(data, data.lastIndexOf(SENT_KEY) + SENT_KEY.length);
          const n = readInt(data, intEnd + N_KEY.length + 1);
          if (room.deliveredAt[n] === undefined) {
            room.deliveredAt[n] = now;
            room.latency[n] = now - sent;
          }
        }
        return;
      }
      if (a === 0x61 && b === 0x63) {
        // {"type":"ack","id":"c<room>-N",...
        room.acked.push(readInt(data, data.indexOf(0x2d, ACK_ID) + 1));
        return;
      }
    }
    const frame = JSON.parse(data);
    if (ready) {
      onFrame(room, role, frame, now);
    } else if (frame.type === "snapshot") {
      ready = true;
      onSnapshot();
    }
  };
}

function target(room, role) {
  if (raw) return { path: `/room/${room.index}/${role}`, headers: {} };
  return {
    path: `/ws/interviews/${room.spec.public_id}/`,
    headers: { Origin: ORIGIN, Cookie: `sessionid=${room.spec[role]}` },
  };
}

const onClosed = (code) => {
  if (!closing) countError(`closed:${code}`);
};

async function connect(room, role) {
  const { path, headers } = target(room, role);
  const port = room.spec.port ?? config.port; // the room's worker (--cluster)
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, {
    headers,
    perMessageDeflate: false,
    maxPayload: 1 << 20,
    handshakeTimeout: 60_000,
    skipUTF8Validation: true,
  });
  let snapshot;
  const arrived = new Promise((resolve) => (snapshot = resolve));
  ws.on("message", frameHandler(room, role, () => snapshot()));
  ws.on("error", (error) => {
    if (!closing) countError(`error:${error.code || error.message}`);
  });
  await withTimeout(
    new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    }),
    60_000,
    `no handshake on ${path}`,
  );
  ws.on("close", onClosed);
  if (!raw) await withTimeout(arrived, 60_000, `no snapshot on ${path}`);
  return ws;
}

function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function connectAll() {
  const jobs = [];
  for (const room of rooms) {
    for (const role of ["interviewer", "candidate"]) jobs.push([room, role]);
  }
  let next = 0;
  async function worker() {
    while (next < jobs.length) {
      const [room, role] = jobs[next++];
      room.sockets[role] = await connect(room, role);
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker));
}

// --- sending: one timer heap for every sender, open loop (due times never slip) ---

const RECTANGLE = {
  type: "rectangle",
  angle: 0,
  strokeColor: "#1e1e1e",
  backgroundColor: "transparent",
  fillStyle: "solid",
  strokeWidth: 2,
  strokeStyle: "solid",
  roughness: 1,
  opacity: 100,
  groupIds: [],
  frameId: null,
  roundness: { type: 3 },
  boundElements: null,
  link: null,
  locked: false,
  isDeleted: false,
  width: 200,
  height: 120,
};

// The frame is written as text, not built and serialized: the same JSON as
// `JSON.stringify({type, id, elements: [{...RECTANGLE, id, version, ...}]})`, for a
// fraction of the CPU.
const RECTANGLE_FIELDS = JSON.stringify(RECTANGLE).slice(1, -1);

function boardSender(room) {
  const ws = room.sockets.candidate;
  const index = room.index;
  return (n) => {
    const slot = n % ELEMENTS_PER_ROOM;
    const nonce = 1 + Math.floor(random() * 2147483646);
    const x = Math.round(random() * 160000) / 100;
    const y = Math.round(random() * 90000) / 100;
    const sent = nowUs();
    room.boardSent.push(sent);
    ws.send(
      `{"type":"board.update","id":"c${index}-${n}","elements":[{${RECTANGLE_FIELDS},` +
        `"id":"r${index}-${slot}","version":${n + 1},"versionNonce":${nonce},` +
        `"index":"a${slot}","seed":${1000 + slot},"x":${x},"y":${y},` +
        `"updated":${1767225600000 + n},"customData":{"sent":${sent},"n":${n}}}]}`,
    );
  };
}

const CURSOR_X = '{"type":"cursor","pointer":{"x":'.length;
const ACK_ID = '{"type":"ack","id":"c'.length;
const SENT_KEY = Buffer.from('"customData":{"sent":');
const N_KEY = '"n":';

// The decimal integer at data[at...]; where it ends is left in `intEnd`.
let intEnd = 0;
function readInt(data, at) {
  let value = 0;
  for (;;) {
    const digit = data[at] - 0x30;
    if (!(digit >= 0 && digit <= 9)) break;
    value = value * 10 + digit;
    at += 1;
  }
  intEnd = at;
  return value;
}

// [[n, value], ...] for the filled slots of an array indexed by n.
function pairs(values) {
  const out = [];
  values.forEach((value, n) => out.push([n, value]));
  return out;
}

function cursorSender(room, role) {
  const ws = room.sockets[role];
  const log = room.cursorSent[role];
  return (n) => {
    const y = Math.round(random() * 9000) / 10;
    log.push(nowUs());
    ws.send(`{"type":"cursor","pointer":{"x":${n},"y":${y},"tool":"pointer"},"button":"up","selected":[]}`);
  };
}

class Heap {
  constructor() {
    this.items = [];
  }
  get size() {
    return this.items.length;
  }
  peek() {
    return this.items[0];
  }
  push(item) {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent].due <= item.due) break;
      a[i] = a[parent];
      i = parent;
    }
    a[i] = item;
  }
  pop() {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= a.length) break;
        const right = left + 1;
        const child = right < a.length && a[right].due < a[left].due ? right : left;
        if (a[child].due >= last.due) break;
        a[i] = a[child];
        i = child;
      }
      a[i] = last;
    }
    return top;
  }
}

function runSenders(start, until) {
  const heap = new Heap();
  const add = (rate, send) => {
    const due = start + random() * 1e6;
    if (due < until) heap.push({ due, period: 1e6 / rate, n: 0, send });
  };
  const mix = config.mix || "all";
  for (const room of rooms) {
    if (mix === "all" || mix === "board") add(BOARD_RATE, boardSender(room));
    if (mix === "all" || mix === "cursors") {
      add(CANDIDATE_CURSOR_RATE, cursorSender(room, "candidate"));
      add(INTERVIEWER_CURSOR_RATE, cursorSender(room, "interviewer"));
    }
  }
  return new Promise((resolve) => {
    // Each turn sends only what was due when it began, then yields, so that a generator
    // running behind still reads its sockets and fires its window timers on time.
    const pump = () => {
      const turn = nowUs();
      while (heap.size > 0 && heap.peek().due <= turn) {
        const sender = heap.pop();
        const late = nowUs() - sender.due;
        sends += 1;
        if (late > LATE_US) lateSends += 1;
        if (late > maxLateUs) maxLateUs = late;
        sender.n += 1;
        try {
          sender.send(sender.n);
        } catch (error) {
          countError(`send:${error.message}`);
        }
        sender.due += sender.period;
        if (sender.due < until) heap.push(sender);
      }
      if (heap.size === 0) resolve();
      else if (heap.peek().due <= nowUs()) setImmediate(pump);
      else setTimeout(pump, (heap.peek().due - nowUs()) / 1000);
    };
    pump();
  });
}

// --- CPU accounting ---

function processTree(roots) {
  // Every descendant too: granian serves from a worker process it spawns.
  const children = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const todo = [...roots];
  while (todo.length) {
    const pid = todo.pop();
    out.push(pid);
    todo.push(...(children.get(pid) || []));
  }
  return out;
}

function ticks(pids) {
  // utime + stime in clock ticks, fields 14 and 15 of stat(5)
  const out = {};
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      out[pid] = Number(fields[11]) + Number(fields[12]);
    } catch {
      out[pid] = null;
    }
  }
  return out;
}

function coreTimes() {
  // per core: [busy, total] jiffies from /proc/stat (idle and iowait are not busy)
  const out = {};
  for (const line of readFileSync("/proc/stat", "utf8").split("\n")) {
    const match = /^cpu(\d+) (.*)$/.exec(line);
    if (!match) continue;
    const values = match[2].trim().split(/\s+/).map(Number).slice(0, 8);
    const total = values.reduce((a, b) => a + b, 0);
    out[match[1]] = [total - values[3] - values[4], total];
  }
  return out;
}

function serverSample(tree) {
  const out = {};
  for (const [name, pids] of Object.entries(tree)) out[name] = ticks(pids);
  return out;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const connectStarted = performance.now();
  await connectAll();
  const connectS = (performance.now() - connectStarted) / 1000;
  await sleep(500); // let presence events settle
  const { warmup, window, grace } = config;
  const start = nowUs();
  const until = start + (1 + warmup + window) * 1e6; // senders start within the first second
  const sending = runSenders(start, until);

  await sleep((until - window * 1e6 - nowUs()) / 1000);
  const tree = {};
  for (const [name, pid] of Object.entries(config.server_pids)) tree[name] = processTree([pid]);
  const cpu0 = serverSample(tree);
  const gen0 = process.cpuUsage();
  const cores0 = coreTimes();
  const w0 = nowUs();
  await sleep((until - nowUs()) / 1000);
  const cpu1 = serverSample(tree);
  const gen1 = process.cpuUsage();
  const cores1 = coreTimes();
  const w1 = nowUs();
  await sending;
  await sleep(grace * 1000);
  closing = true;
  for (const room of rooms) {
    for (const ws of Object.values(room.sockets)) ws.terminate();
  }

  const serverTicks = {};
  for (const name of Object.keys(tree)) {
    let sum = 0;
    for (const [pid, before] of Object.entries(cpu0[name])) {
      const after = cpu1[name][pid];
      if (before !== null && after !== null && after !== undefined) sum += after - before;
    }
    serverTicks[name] = sum;
  }
  const coreBusy = {};
  for (const core of Object.keys(cores1)) {
    const busy = cores1[core][0] - cores0[core][0];
    const total = cores1[core][1] - cores0[core][1];
    coreBusy[core] = total > 0 ? (100 * busy) / total : 0;
  }
  const record = {
    generator: "node",
    connect_s: connectS,
    window_us: [w0, w1],
    server_ticks: serverTicks,
    server_pids: tree,
    generator_cpu_s: (gen1.user - gen0.user + gen1.system - gen0.system) / 1e6,
    generator_sys_s: (gen1.system - gen0.system) / 1e6,
    core_busy_percent: coreBusy,
    sends,
    late_sends: lateSends,
    max_late_ms: maxLateUs / 1000,
    errors,
    rooms: rooms.map((room) => ({
      board_sent: room.boardSent,
      acked: room.acked,
      refused: room.refused,
      delivered: pairs(room.deliveredAt).map(([n, at]) => [n, at, room.latency[n]]),
      cursor_sent: room.cursorSent,
      cursor_received: {
        candidate: pairs(room.cursorReceived.candidate),
        interviewer: pairs(room.cursorReceived.interviewer),
      },
    })),
  };
  process.stdout.write(`${JSON.stringify(record)}\n`, () => process.exit(0));
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
