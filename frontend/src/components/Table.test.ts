import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Cell, Row, Table } from './Table';

/** The `data-label` of each cell of the rendered table, in order. */
function labels(html: string): (string | null)[] {
  return Array.from(html.matchAll(/<td[^>]*>/g), ([tag]) => /data-label="([^"]*)"/.exec(tag)?.[1] ?? null);
}

describe('Table', () => {
  it('labels each cell with its column, counting only the cells that are there', () => {
    const showAssignee = false;
    const html = renderToStaticMarkup(
      h(Table, {
        caption: 'c',
        head: ['期限', '状態', '患者', '操作'],
        children: h(Row, {
          children: [
            h(Cell, { key: 'due', header: true, children: '12月7日' }),
            h(Cell, { key: 'state', children: '予定' }),
            showAssignee && h(Cell, { key: 'assignee', children: '担当者' }),
            [h(Cell, { key: 'patient', children: '宮崎 彩' })],
            h(Cell, { key: 'actions', children: '記録する' }),
          ],
        }),
      }),
    );
    expect(labels(html)).toEqual(['状態', '患者', '操作']);
    // The row's heading is a row header, not a labelled cell.
    expect(html).toContain('<th scope="row" role="rowheader"');
  });
});
