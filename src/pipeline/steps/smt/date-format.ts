// Date patterns as Connect's TimestampConverter takes them (java.text.SimpleDateFormat letters),
// the common subset, always in UTC: yyyy yy MM dd HH mm ss SSS, X/XX/XXX (UTC offset, written Z),
// and 'quoted' literal text. Compiled once into a formatter and a strict parser.

type Token = { kind: 'field'; letters: string } | { kind: 'literal'; text: string };

const FIELDS = new Set(['yyyy', 'yy', 'MM', 'dd', 'HH', 'mm', 'ss', 'SSS', 'X', 'XX', 'XXX']);

export interface DateFormat {
  format(ms: number): string;
  /** Milliseconds, or undefined when the text does not follow the pattern. */
  parse(text: string): number | undefined;
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unclosed quote at position ${i}`);
      tokens.push({ kind: 'literal', text: end === i + 1 ? "'" : pattern.slice(i + 1, end) });
      i = end + 1;
    } else if (/[a-zA-Z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      const letters = pattern.slice(i, j);
      if (!FIELDS.has(letters))
        throw new Error(`'${letters}' is not supported (use yyyy yy MM dd HH mm ss SSS X)`);
      tokens.push({ kind: 'field', letters });
      i = j;
    } else {
      tokens.push({ kind: 'literal', text: c });
      i++;
    }
  }
  return tokens;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function compileDateFormat(pattern: string): DateFormat {
  const tokens = tokenize(pattern);
  const groups: string[] = [];
  let regex = '^';
  for (const token of tokens) {
    if (token.kind === 'literal') {
      regex += token.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    groups.push(token.letters);
    regex += token.letters.startsWith('X') ? '(Z|[+-]\\d\\d:?(?:\\d\\d)?)' : `(\\d{${token.letters.length}})`;
  }
  const matcher = new RegExp(`${regex}$`);
  return {
    format(ms) {
      const d = new Date(ms);
      return tokens
        .map((t) => {
          if (t.kind === 'literal') return t.text;
          switch (t.letters) {
            case 'yyyy':
              return pad(d.getUTCFullYear(), 4);
            case 'yy':
              return pad(d.getUTCFullYear() % 100, 2);
            case 'MM':
              return pad(d.getUTCMonth() + 1, 2);
            case 'dd':
              return pad(d.getUTCDate(), 2);
            case 'HH':
              return pad(d.getUTCHours(), 2);
            case 'mm':
              return pad(d.getUTCMinutes(), 2);
            case 'ss':
              return pad(d.getUTCSeconds(), 2);
            case 'SSS':
              return pad(d.getUTCMilliseconds(), 3);
            default:
              return 'Z';
          }
        })
        .join('');
    },
    parse(text) {
      const match = matcher.exec(text);
      if (match === null) return undefined;
      const f: Record<string, number> = { yyyy: 1970, MM: 1, dd: 1, HH: 0, mm: 0, ss: 0, SSS: 0 };
      let offsetMinutes = 0;
      groups.forEach((letters, i) => {
        const value = match[i + 1];
        if (letters === 'yy') f.yyyy = 2000 + Number(value);
        else if (letters.startsWith('X')) {
          if (value !== 'Z') {
            const sign = value[0] === '-' ? -1 : 1;
            const digits = value.slice(1).replace(':', '');
            offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
          }
        } else f[letters] = Number(value);
      });
      const ms = Date.UTC(f.yyyy, f.MM - 1, f.dd, f.HH, f.mm, f.ss, f.SSS) - offsetMinutes * 60_000;
      // Date.UTC rolls 31 February over to March; a strict parser refuses it.
      const check = new Date(ms + offsetMinutes * 60_000);
      if (
        check.getUTCMonth() !== f.MM - 1 ||
        check.getUTCDate() !== f.dd ||
        f.HH > 23 ||
        f.mm > 59 ||
        f.ss > 59
      ) {
        return undefined;
      }
      return ms;
    },
  };
}
