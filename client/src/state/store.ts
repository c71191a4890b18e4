import { fromQuery, toQuery, type ViewState } from './view-state.js';

type Listener = (state: ViewState, previous: ViewState) => void;

/** The one place the view state lives; every change is written to the URL (replaceState). */
export class Store {
  private listeners: Listener[] = [];
  state: ViewState;

  constructor(query: string) {
    this.state = fromQuery(query);
  }

  update(change: Partial<ViewState>): void {
    const previous = this.state;
    this.state = { ...previous, ...change };
    history.replaceState(null, '', `${location.pathname}?${toQuery(this.state)}`);
    for (const l of this.listeners) l(this.state, previous);
  }

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }
}
