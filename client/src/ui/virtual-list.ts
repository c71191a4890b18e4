/**
 * A scrolling list that renders only the rows in view (plus a few), so 2,491 catalog rows cost
 * the same as twenty. Rows have a fixed height in pixels.
 */
export class VirtualList<T> {
  private items: T[] = [];
  private readonly spacer: HTMLDivElement;
  private readonly window: HTMLDivElement;

  constructor(
    private readonly host: HTMLElement,
    private readonly rowHeight: number,
    private readonly renderRow: (item: T, index: number) => HTMLElement,
  ) {
    host.classList.add('vlist');
    this.spacer = document.createElement('div');
    this.window = document.createElement('div');
    this.window.className = 'vlist-window';
    this.spacer.append(this.window);
    host.append(this.spacer);
    host.addEventListener('scroll', () => this.draw(), { passive: true });
    new ResizeObserver(() => this.draw()).observe(host);
  }

  setItems(items: T[]): void {
    this.items = items;
    this.host.scrollTop = 0;
    this.draw();
  }

  redraw(): void {
    this.draw();
  }

  private draw(): void {
    this.spacer.style.height = `${this.items.length * this.rowHeight}px`;
    const first = Math.max(0, Math.floor(this.host.scrollTop / this.rowHeight) - 4);
    const last = Math.min(
      this.items.length,
      Math.ceil((this.host.scrollTop + this.host.clientHeight) / this.rowHeight) + 4,
    );
    this.window.style.transform = `translateY(${first * this.rowHeight}px)`;
    const rows: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const row = this.renderRow(this.items[i] as T, i);
      row.style.height = `${this.rowHeight}px`;
      rows.push(row);
    }
    this.window.replaceChildren(...rows);
  }
}
