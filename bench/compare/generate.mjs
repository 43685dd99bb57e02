// A seeded, deterministic workload of agency data, the same for every system.
//
//   node generate.mjs --workload w1 --scale tiny --seed 1 --out w1.jsonl
//
// The file is JSON Lines: a header (the workload's shape and the users, one
// per device), then `base` lines (records on the server before the measured
// phase), then `op` lines (what each device does offline), then `expect`
// lines (what every replica must show afterwards). Records follow
// docs/records.md: sets are maps of key -> true, `skills`, `notes` and a
// follow-up's `note` are text, `reached` and `women_reached` are counters.

import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

/** Sizes per workload and scale (issue 6). */
export const SHAPES = {
  full: {
    w0: { contacts: 10000, sessions: 200, devices: 1 },
    w1: { contacts: 2000, sessions: 50, devices: 30, creates: 40, edits: 20, marks: 15 },
    w2: { contacts: 100000, sessions: 50, devices: 1, edits: 5 },
    w2small: { contacts: 1000, sessions: 50, devices: 1, edits: 5 },
    w2mid: { contacts: 20000, sessions: 50, devices: 1, edits: 5 },
    w3: { contacts: 2000, sessions: 50, devices: 5, creates: 40, edits: 20, marks: 15 },
  },
  tiny: {
    w0: { contacts: 60, sessions: 3, devices: 1 },
    w1: { contacts: 30, sessions: 3, devices: 3, creates: 3, edits: 4, marks: 4 },
    w2: { contacts: 150, sessions: 3, devices: 1, edits: 5 },
    w2small: { contacts: 50, sessions: 3, devices: 1, edits: 5 },
    w2mid: { contacts: 100, sessions: 3, devices: 1, edits: 5 },
    w3: { contacts: 30, sessions: 3, devices: 2, creates: 3, edits: 3, marks: 3 },
  },
};

/** Share of W1 edits that go to contacts several devices edit at once. */
const CONCURRENT_SHARE = 0.3;
/** Share of attendance marks of a person another device also marks. */
const DOUBLE_MARK_SHARE = 0.05;
/** Sessions every device marks attendance on. */
const SHARED_SESSIONS = 2;
/** The day of the workload (fixed, so that the file is the same every run). */
const TODAY = "2026-11-29";

// --- randomness -----------------------------------------------------------

/** sfc32 seeded through splitmix32: small, fast, and the same on every platform. */
export function rng(seed) {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split(), b = split(), c = split(), d = split();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  const r = {
    float: next,
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
    uuid: () => {
      const hex = [];
      for (let i = 0; i < 16; i++) hex.push(Math.floor(next() * 256));
      hex[6] = (hex[6] & 0x0f) | 0x40;
      hex[8] = (hex[8] & 0x3f) | 0x80;
      const h = hex.map((x) => x.toString(16).padStart(2, "0")).join("");
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
    weighted: (items) => {
      const total = items.reduce((sum, [, w]) => sum + w, 0);
      let roll = next() * total;
      for (const [item, w] of items) {
        if (roll < w) return item;
        roll -= w;
      }
      return items[items.length - 1][0];
    },
  };
  return r;
}

// --- the people agencies meet -----------------------------------------------

// [French spelling, Arabic-script spelling or null]
const ORIGINS = [
  {
    country: "SY", weight: 14, languages: ["ar", "ku", "en", "fr"], dialling: "+963",
    statuses: [["refugee", 8], ["asylum_seeker", 3], ["undisclosed", 1]],
    female: [["Rim", "ريم"], ["Lina", "لينا"], ["Nour", "نور"], ["Hala", "هالة"], ["Yasmine", "ياسمين"]],
    male: [["Mohammed", "محمد"], ["Ahmad", "أحمد"], ["Khaled", "خالد"], ["Omar", "عمر"], ["Bachar", "بشار"]],
    family: [["Al Hamoud", "الحمود"], ["Haddad", "حداد"], ["Khatib", "الخطيب"], ["Darwich", "درويش"]],
  },
  {
    country: "SD", weight: 10, languages: ["ar", "en"], dialling: "+249",
    statuses: [["asylum_seeker", 6], ["refugee", 4]],
    female: [["Amna", "آمنة"], ["Fatima", "فاطمة"], ["Safaa", "صفاء"]],
    male: [["Abdelrahman", "عبد الرحمن"], ["Osman", "عثمان"], ["Mubarak", "مبارك"], ["Hamid", "حامد"]],
    family: [["Abakar", "أبكر"], ["Idriss", "إدريس"], ["Suleiman", "سليمان"]],
  },
  {
    country: "AF", weight: 10, languages: ["fa", "ps", "en"], dialling: "+93",
    statuses: [["refugee", 5], ["asylum_seeker", 5]],
    female: [["Zahra", "زهرا"], ["Maryam", "مریم"], ["Sakina", "سکینه"]],
    male: [["Ahmad Shah", "احمدشاه"], ["Mustafa", "مصطفی"], ["Rahim", "رحیم"], ["Javad", "جواد"]],
    family: [["Ahmadi", "احمدی"], ["Hosseini", "حسینی"], ["Rezaei", "رضایی"]],
  },
  {
    country: "ML", weight: 8, languages: ["bm", "fr", "ff"], dialling: "+223",
    statuses: [["migrant", 6], ["asylum_seeker", 2], ["undisclosed", 1]],
    female: [["Aminata", null], ["Fanta", null], ["Kadiatou", null]],
    male: [["Moussa", null], ["Boubacar", null], ["Seydou", null], ["Mamadou", null]],
    family: [["Traoré", null], ["Keïta", null], ["Diarra", null], ["Coulibaly", null]],
  },
  {
    country: "GN", weight: 6, languages: ["ff", "fr", "sus"], dialling: "+224",
    statuses: [["asylum_seeker", 5], ["migrant", 3]],
    female: [["Mariama", null], ["Hawa", null], ["Kadiatou", null]],
    male: [["Alpha", null], ["Ibrahima", null], ["Thierno", null]],
    family: [["Diallo", null], ["Bah", null], ["Barry", null], ["Camara", null]],
  },
  {
    country: "ER", weight: 5, languages: ["ti", "ar", "en"], dialling: "+291",
    statuses: [["refugee", 7], ["asylum_seeker", 3]],
    female: [["Semhar", null], ["Helen", null], ["Selam", null]],
    male: [["Yonas", null], ["Tesfay", null], ["Dawit", null]],
    family: [["Tesfamariam", null], ["Gebremedhin", null], ["Haile", null]],
  },
  {
    country: "MA", weight: 6, languages: ["ar", "fr", "ber"], dialling: "+212",
    statuses: [["migrant", 8], ["other", 1]],
    female: [["Khadija", "خديجة"], ["Salma", "سلمى"], ["Imane", "إيمان"]],
    male: [["Youssef", "يوسف"], ["Said", "سعيد"], ["Hicham", "هشام"]],
    family: [["El Amrani", "العمراني"], ["Benali", "بن علي"], ["Ouazzani", "الوزاني"]],
  },
  {
    country: "UA", weight: 5, languages: ["uk", "ru", "en"], dialling: "+380",
    statuses: [["other", 6], ["refugee", 2]],
    female: [["Olena", null], ["Iryna", null], ["Natalia", null]],
    male: [["Oleksandr", null], ["Andriy", null], ["Serhiy", null]],
    family: [["Kovalenko", null], ["Shevchenko", null], ["Bondarenko", null]],
  },
];
const NEIGHBOURHOODS = [
  ["La Duchère", "Lyon"], ["Mermoz", "Lyon"], ["Les Minguettes", "Vénissieux"], ["La Guillotière", "Lyon"],
  ["Le Mas du Taureau", "Vaulx-en-Velin"], ["Bron Parilly", "Bron"], ["Les Buers", "Villeurbanne"],
];
const SKILLS = [
  "Maçon, 10 ans d'expérience", "Couturière", "Cuisinier en restaurant", "Chauffeur poids lourd",
  "Aide-soignante", "Électricien", "Coiffeur", "Agriculteur, élevage", "Mécanicien auto",
  "Vendeuse sur les marchés", "Peintre en bâtiment", "Enseignant d'arabe", "Soudeur",
];
const NOTES = [
  "Rencontré à la sortie de l'école, intéressé par une formation courte.",
  "Préfère être appelé l'après-midi.", "Cherche une garde d'enfants pour pouvoir venir aux ateliers.",
  "Parle un peu français, souhaite des cours.", "A déjà un projet de commerce alimentaire.",
  "Diplôme non reconnu en France, à accompagner.", "",
];
const FOLLOW_UP_NOTES = [
  "Rappel pour l'atelier CV.", "Orienté vers la mission locale.", "Rendez-vous pris avec la conseillère.",
  "Pas de réponse, rappeler.", "A demandé des informations sur la formation cariste.",
];
const TOPICS = [
  "Présentation des services de l'agence", "Atelier CV et lettre de motivation", "Créer son entreprise",
  "Formations qualifiantes du bâtiment", "Préparer un entretien d'embauche", "Droits des travailleurs",
];
const PLACES = ["Salle 1, agence", "Salle 2, agence", "Centre social", "Maison de quartier"];
const STAGES = ["contacted", "informed", "registered", "in_training", "accompanied", "employed", "self_employed"];
const EDUCATION = ["none", "primary", "secondary", "vocational", "higher", "undisclosed"];
const STATUSES = ["refugee", "asylum_seeker", "migrant", "other", "undisclosed"];
const AGE_BANDS = ["18_25", "26_35", "36_45", "46_60", "over_60"];
const INTERESTS = ["vocational_training", "job_search", "self_employment", "other"];
const SCOPES = ["record", "call_back", "share_with_services"];
const FOLLOW_KINDS = ["call", "visit", "meeting", "message", "other"];
const ATTENDANCE = [["present", 8], ["absent", 2], ["excused", 1]];
/** Fields a device edits on an existing contact, three at a time. */
export const EDITABLE = ["stage", "phone", "neighbourhood", "city", "education", "status"];

const pad = (n) => String(n).padStart(2, "0");
const dayBefore = (days) => {
  const d = new Date(`${TODAY}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
};
const at = (r, date) => `${date}T${pad(8 + r.int(10))}:${pad(r.int(60))}:00Z`;
const phone = (r, origin) =>
  r.chance(0.8)
    ? `+33 6 ${pad(r.int(100))} ${pad(r.int(100))} ${pad(r.int(100))} ${pad(r.int(100))}`
    : `${origin.dialling} ${r.int(900) + 100} ${r.int(9000) + 1000}`;
const set = (keys) => Object.fromEntries(keys.map((k) => [k, true]));

function spelled(r, [french, native]) {
  return native && r.chance(0.35) ? native : french;
}

function contact(r, agency, user) {
  const origin = r.weighted(ORIGINS.map((o) => [o, o.weight]));
  const female = r.chance(0.45);
  const id = r.uuid();
  const met = dayBefore(r.int(200));
  const languages = [origin.languages[0], ...origin.languages.slice(1).filter(() => r.chance(0.4))];
  const [neighbourhood, city] = r.pick(NEIGHBOURHOODS);
  const record = {
    type: "contact", schema: 1, id, agency_id: agency, created_by: user, created_at: at(r, met),
    given_name: spelled(r, r.pick(female ? origin.female : origin.male)),
    family_name: spelled(r, r.pick(origin.family)),
    sex: r.chance(0.05) ? "undisclosed" : female ? "female" : "male",
    nationality: origin.country,
    status: r.weighted(origin.statuses),
    phone: phone(r, origin),
    languages: set(languages),
    neighbourhood, city,
    education: r.pick(EDUCATION),
    skills: r.pick(SKILLS),
    interests: set(INTERESTS.filter(() => r.chance(0.4)).concat(r.chance(0.5) ? ["job_search"] : [])),
    consent: { given: true, at: at(r, met), by: user, scope: set(SCOPES.filter((s, i) => i === 0 || r.chance(0.6))) },
    stage: r.pick(STAGES.slice(0, 4)),
    follow_ups: [],
    notes: r.pick(NOTES),
  };
  if (r.chance(0.7)) record.birth_year = 1960 + r.int(45);
  else record.age_band = r.pick(AGE_BANDS);
  if (r.chance(0.1)) record.alias = record.given_name;
  for (let i = r.int(3); i > 0; i--) {
    record.follow_ups.push({ id: r.uuid(), at: dayBefore(r.int(60)), kind: r.pick(FOLLOW_KINDS), note: r.pick(FOLLOW_UP_NOTES), by: user });
  }
  return record;
}

function session(r, agency, user, facilitators, date) {
  const start = `${date}T${pad(9 + r.int(7))}:00:00Z`;
  return {
    type: "session", schema: 1, id: r.uuid(), agency_id: agency, created_by: user, created_at: at(r, dayBefore(10)),
    kind: r.weighted([["information", 5], ["accompaniment", 3], ["workshop", 2]]),
    topic: r.pick(TOPICS), starts_at: start, ends_at: start.replace(/T(\d\d)/, (_, h) => `T${pad(Number(h) + 2)}`),
    place: r.pick(PLACES), facilitators: set(facilitators), attendance: {}, notes: "",
  };
}

function visit(r, agency, user) {
  const date = dayBefore(r.int(90));
  const reached = 3 + r.int(20);
  return {
    type: "visit", schema: 1, id: r.uuid(), agency_id: agency, created_by: user, created_at: at(r, date),
    date, agents: set([user]), neighbourhood: r.pick(NEIGHBOURHOODS)[0], place: "Marché du dimanche",
    reached, women_reached: r.int(reached + 1), topics: set(INTERESTS.filter(() => r.chance(0.5))),
    notes: "Beaucoup de questions sur les formations.",
  };
}

function editValue(r, field, origin) {
  switch (field) {
    case "stage": return r.pick(STAGES);
    case "phone": return phone(r, origin);
    case "neighbourhood": return r.pick(NEIGHBOURHOODS)[0];
    case "city": return r.pick(NEIGHBOURHOODS)[1];
    case "education": return r.pick(EDUCATION);
    default: return r.pick(STATUSES);
  }
}

function threeFields(r) {
  const fields = [...EDITABLE];
  const chosen = [];
  while (chosen.length < 3) chosen.push(fields.splice(r.int(fields.length), 1)[0]);
  return chosen;
}

/** The workload as a list of lines (objects), in file order. */
export function generate({ workload, scale, seed }) {
  const shape = SHAPES[scale]?.[workload];
  if (!shape) throw new Error(`unknown workload ${workload} at scale ${scale}`);
  const r = rng(seed * 1000 + Object.keys(SHAPES[scale]).indexOf(workload));
  const agency = r.uuid();
  const users = Array.from({ length: shape.devices + 1 }, () => r.uuid());
  const seeder = users[shape.devices];
  const lines = [{ kind: "header", workload, scale, seed, today: TODAY, agency, users: users.slice(0, shape.devices), seeder, shape }];

  const contacts = [];
  for (let i = 0; i < shape.contacts; i++) contacts.push(contact(r, agency, seeder));
  const sessions = [];
  for (let i = 0; i < shape.sessions; i++) {
    sessions.push(session(r, agency, seeder, [seeder, "Mme Benali"], i < SHARED_SESSIONS ? TODAY : dayBefore(1 + r.int(100))));
  }
  const visits = [];
  for (let i = 0; i < Math.ceil(shape.contacts / 50); i++) visits.push(visit(r, agency, seeder));
  for (const record of [...sessions, ...visits, ...contacts]) lines.push({ kind: "base", record });

  const ops = [];
  const fieldWrites = new Map(); // "id field" -> Set of values
  const write = (device, id, fields) => {
    ops.push({ kind: "op", device, op: "edit", id, fields });
    for (const [field, value] of Object.entries(fields)) {
      const key = `${id} ${field}`;
      if (!fieldWrites.has(key)) fieldWrites.set(key, new Set());
      fieldWrites.get(key).add(value);
    }
  };
  const origin = ORIGINS[0];
  const devices = shape.devices;
  const edits = shape.edits ?? 0;
  // Edits: a share to contacts 2 or 3 devices edit at once, the rest to a contact nobody else touches.
  const free = contacts.map((c) => c.id);
  const take = () => free.splice(r.int(free.length), 1)[0];
  const perDevice = Array.from({ length: devices }, () => 0);
  if (devices >= 2 && workload !== "w2" && workload !== "w2small") {
    const concurrentSlots = Math.floor(devices * edits * CONCURRENT_SHARE);
    let used = 0;
    while (used < concurrentSlots && free.length > 0) {
      const id = take();
      const editors = Math.min(devices, 2 + r.int(2));
      const chosen = new Set();
      while (chosen.size < editors) chosen.add(r.int(devices));
      for (const device of chosen) {
        if (perDevice[device] >= edits) continue;
        perDevice[device] += 1;
        used += 1;
        write(device, id, Object.fromEntries(threeFields(r).map((f) => [f, editValue(r, f, origin)])));
      }
    }
  }
  for (let device = 0; device < devices; device++) {
    for (; perDevice[device] < edits && free.length > 0; perDevice[device]++) {
      write(device, take(), Object.fromEntries(threeFields(r).map((f) => [f, editValue(r, f, origin)])));
    }
  }
  // Creates: new contacts, and one outreach visit per device.
  for (let device = 0; device < devices && shape.creates; device++) {
    for (let i = 0; i < shape.creates; i++) ops.push({ kind: "op", device, op: "create", record: contact(r, agency, users[device]) });
    ops.push({ kind: "op", device, op: "create", record: visit(r, agency, users[device]) });
  }
  // Attendance on the shared sessions: mostly different people, a few marked twice.
  const markWrites = new Map(); // "session contact" -> Set of statuses
  const marked = [];
  const unmarked = contacts.map((c) => c.id);
  for (let device = 0; device < devices && shape.marks; device++) {
    for (let i = 0; i < shape.marks; i++) {
      const sessionId = sessions[r.int(Math.min(SHARED_SESSIONS, sessions.length))].id;
      const again = marked.length > 0 && r.chance(DOUBLE_MARK_SHARE);
      const contactId = again ? r.pick(marked) : unmarked.splice(r.int(unmarked.length), 1)[0];
      if (!again) marked.push(contactId);
      const status = r.weighted(ATTENDANCE);
      ops.push({ kind: "op", device, op: "mark", session: sessionId, contact: contactId, status, by: users[device], at: at(r, TODAY) });
      const key = `${sessionId} ${contactId}`;
      if (!markWrites.has(key)) markWrites.set(key, new Set());
      markWrites.get(key).add(status);
    }
  }
  lines.push(...ops);
  for (const [key, values] of fieldWrites) {
    const [id, field] = key.split(" ");
    lines.push({ kind: "expect", what: "field", id, field, values: [...values] });
  }
  for (const [key, values] of markWrites) {
    const [sessionId, contactId] = key.split(" ");
    lines.push({ kind: "expect", what: "mark", session: sessionId, contact: contactId, values: [...values] });
  }
  const created = ops.filter((o) => o.op === "create").length;
  lines.push({ kind: "expect", what: "documents", count: sessions.length + visits.length + contacts.length + created });
  return lines;
}

async function main() {
  const args = Object.fromEntries(
    process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
  );
  const lines = generate({ workload: args.workload ?? "w1", scale: args.scale ?? "tiny", seed: Number(args.seed ?? 1) });
  const out = args.out ? createWriteStream(args.out) : process.stdout;
  for (const line of lines) {
    if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, "drain");
  }
  if (args.out) {
    out.end();
    await once(out, "finish");
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}
