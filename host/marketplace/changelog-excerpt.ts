/**
 * The part of a CHANGELOG.md an update brings: the sections whose heading names a version newer
 * than the installed one, up to the target (`## [1.1.0] - 2026-12-01`, `## 1.1.0`, `## v1.1.0`).
 * A changelog without version headings is shown whole (bounded). Plain text: the page escapes it.
 */
import semver from 'semver';

const MAX = 8_000;
const heading = /^#{1,3}\s*\[?v?(\d+\.\d+\.\d+(?:-[\w.]+)?)\]?/;

export interface ChangelogSection {
  version: string;
  text: string;
}

export function changelogExcerpt(markdown: string, from: string, to: string): { sections: ChangelogSection[]; whole: string | null } {
  const sections: ChangelogSection[] = [];
  let current: ChangelogSection | null = null;
  const text = markdown.replace(/\r\n?/g, '\n');
  for (const line of text.split('\n')) {
    const m = heading.exec(line);
    if (m && semver.valid(m[1])) {
      current = { version: m[1], text: '' };
      sections.push(current);
    } else if (/^#\s/.test(line))
      current = null; // a title: no section's text
    else if (current) current.text += line + '\n';
  }
  if (!sections.length) return { sections: [], whole: text.trim().slice(0, MAX) || null };
  const wanted = sections
    .filter((s) => (!semver.valid(from) || semver.gt(s.version, from)) && (!semver.valid(to) || semver.lte(s.version, to)))
    .map((s) => ({ version: s.version, text: s.text.trim().slice(0, MAX) }));
  return { sections: wanted, whole: null };
}
