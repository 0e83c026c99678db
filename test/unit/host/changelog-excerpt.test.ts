import { changelogExcerpt } from '../../../host/marketplace/changelog-excerpt.js';

const md = `# Changelog

## [1.2.0] - 2026-12-01
### Added
- Per-language descriptions.

## v1.1.0
- One migration.

## 1.0.0
- First release.
`;

describe('changelogExcerpt', () => {
  it('keeps the sections newer than the installed version, up to the target', () => {
    expect(changelogExcerpt(md, '1.0.0', '1.2.0').sections).toEqual([
      { version: '1.2.0', text: '### Added\n- Per-language descriptions.' },
      { version: '1.1.0', text: '- One migration.' },
    ]);
    expect(changelogExcerpt(md, '1.0.0', '1.1.0').sections.map((s) => s.version)).toEqual(['1.1.0']);
    expect(changelogExcerpt(md, '1.2.0', '1.2.0').sections).toEqual([]);
  });

  it('ends a section at a title', () => {
    expect(changelogExcerpt('## 1.1.0\n- New.\n# Older notes\nkept out\n', '1.0.0', '1.1.0').sections).toEqual([
      { version: '1.1.0', text: '- New.' },
    ]);
  });

  it('shows a changelog without version headings whole, bounded', () => {
    expect(changelogExcerpt('Fixed things.\r\nMore.', '1.0.0', '1.1.0')).toEqual({ sections: [], whole: 'Fixed things.\nMore.' });
    expect(changelogExcerpt('x'.repeat(20_000), '1.0.0', '1.1.0').whole).toHaveLength(8_000);
    expect(changelogExcerpt('', '1.0.0', '1.1.0')).toEqual({ sections: [], whole: null });
  });
});
