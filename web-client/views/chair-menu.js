// chair-menu.js — the menu button of the co-chairs' compact toolbar (WAI-ARIA menu button
// pattern): Enter, Space or ↓ open it on its first item, ↑ on its last; ↑/↓, Home and End move
// through the items; Esc closes it and gives the focus back to the button; Tab closes it; a click
// elsewhere closes it. An item either acts and closes the menu (the focus goes back to the button)
// or opens a panel that takes the focus itself (`opens`). Not the items' commands: the console's.
import { html, useLayoutEffect, useRef, useState } from '../vendor/preact-htm.js';

let menus = 0;

// items: [{ id, label, testid, onSelect, checked?: bool (a menuitemcheckbox), opens?: bool }]
export function MenuButton({ label, items, testid = 'more-button', disabled = false }) {
  const [open, setOpen] = useState(false);
  const [first, setFirst] = useState('first'); // which item takes the focus when it opens
  const button = useRef(null);
  const menu = useRef(null);
  const id = useRef(null);
  if (id.current === null) { menus += 1; id.current = `menu-${menus}`; }

  const itemEls = () => (menu.current ? [...menu.current.querySelectorAll('[role^="menuitem"]')] : []);
  useLayoutEffect(() => {
    if (!open) return undefined;
    const els = itemEls();
    const el = first === 'last' ? els[els.length - 1] : els[0];
    if (el) el.focus();
    const onDown = (ev) => {
      if (menu.current && !menu.current.contains(ev.target) && button.current && !button.current.contains(ev.target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [open]);

  function close(returnFocus = true) {
    setOpen(false);
    if (returnFocus && button.current) button.current.focus();
  }
  function onButtonKey(ev) {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      setFirst(ev.key === 'ArrowUp' ? 'last' : 'first');
      setOpen(true);
    }
  }
  function onMenuKey(ev) {
    const els = itemEls();
    const i = els.indexOf(document.activeElement);
    let j = null;
    if (ev.key === 'ArrowDown') j = (i + 1) % els.length;
    else if (ev.key === 'ArrowUp') j = (i - 1 + els.length) % els.length;
    else if (ev.key === 'Home') j = 0;
    else if (ev.key === 'End') j = els.length - 1;
    else if (ev.key === 'Escape') { ev.preventDefault(); close(); return; }
    else if (ev.key === 'Tab') { setOpen(false); return; }
    // The console's one-letter shortcuts do not act from inside a menu.
    else if (ev.key.length === 1 && ev.key !== ' ') { ev.preventDefault(); return; }
    if (j === null) return;
    ev.preventDefault();
    if (els[j]) els[j].focus();
  }
  function choose(item) {
    close(!item.opens);
    item.onSelect();
  }
  return html`
    <span class="menu-wrap">
      <button type="button" class="small menu-button" ref=${button} data-testid=${testid} aria-haspopup="menu"
        aria-expanded=${open ? 'true' : 'false'} aria-controls=${open ? id.current : null} aria-disabled=${disabled ? 'true' : null}
        onClick=${() => { if (!disabled) { setFirst('first'); setOpen(!open); } }} onKeyDown=${onButtonKey}>
        <span>${label}</span><span class="menu-caret" aria-hidden="true">▾</span></button>
      ${open && html`
        <div class="menu" role="menu" id=${id.current} ref=${menu} aria-label=${label} onKeyDown=${onMenuKey}>
          ${items.map((item) => html`
            <button type="button" key=${item.id} tabindex="-1" data-testid=${item.testid}
              role=${item.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
              aria-checked=${item.checked === undefined ? null : (item.checked ? 'true' : 'false')}
              onClick=${() => choose(item)}>${item.label}</button>`)}
        </div>`}
    </span>`;
}
