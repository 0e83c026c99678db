/** pagerFor: which page links a list shows, and which a phone hides. */
import { pageCount, pagerFor } from '../../../module/settings/view-models.js';

const href = (p: number) => `/list?page=${p}`;

describe('pagerFor', () => {
  it('counts at least one page', () => {
    expect(pageCount(0, 25)).toBe(1);
    expect(pageCount(25, 25)).toBe(1);
    expect(pageCount(26, 25)).toBe(2);
    expect(pageCount(10_000, 25)).toBe(400);
  });

  it('on the first page: no first or previous link, next and last point forward', () => {
    const p = pagerFor(1, 400, href);
    expect(p).toMatchObject({ page: 1, pages: 400, first: null, prev: null, next: { page: 2, href: '/list?page=2' } });
    expect(p.last).toEqual({ page: 400, href: '/list?page=400' });
    expect(p.numbers.map((n) => [n.page, n.current, n.far])).toEqual([
      [1, true, false],
      [2, false, false],
      [3, false, true],
    ]);
  });

  it('in the middle: two numbers each side, the outer ones marked far', () => {
    const p = pagerFor(3, 400, href);
    expect(p.first?.href).toBe('/list?page=1');
    expect(p.prev?.href).toBe('/list?page=2');
    expect(p.numbers.map((n) => n.page)).toEqual([1, 2, 3, 4, 5]);
    expect(p.numbers.filter((n) => n.far).map((n) => n.page)).toEqual([1, 5]);
    expect(p.numbers.filter((n) => n.current).map((n) => n.page)).toEqual([3]);
  });

  it('on the last page: no next or last link', () => {
    const p = pagerFor(400, 400, href);
    expect(p.next).toBeNull();
    expect(p.last).toBeNull();
    expect(p.numbers.map((n) => n.page)).toEqual([398, 399, 400]);
  });
});
