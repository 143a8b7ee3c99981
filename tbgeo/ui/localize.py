"""Streamlit's own English in the reader's language: its front end writes its labels, tooltips,
placeholders and status words in English whatever the page's language ("Download as CSV", "Running…",
"Skip to main content"), and has no option for most of them.

A small script of tbgeo's own (a Streamlit component, run in the page itself, not in a frame) watches
the page (a MutationObserver) and puts the catalog's words in their place: the table is the
``frontend.*`` messages (``tbgeo/i18n/<lang>/frontend.toml``), English side → the reader's side,
never written in the script. It also sets ``<html lang>`` to the page's language, and gives a file
size ("1.5KB") the language's decimal mark. In English nothing is replaced, and what was replaced is
put back.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from streamlit.components.v2 import component

from tbgeo.i18n import catalog
from tbgeo.ui.state import Key

__all__ = ["frontend_table", "mount", "LOCALIZE_CSS"]

_PREFIX = "frontend."

#: The component's own slot takes no room (its script runs all the same).
LOCALIZE_CSS = f".st-key-{Key.LOCALIZE} {{display:none}}"

_JS = r"""
const ATTRS = ['aria-label', 'title', 'placeholder'];
const SKIP = new Set(['SCRIPT', 'STYLE', 'TEXTAREA', 'NOSCRIPT']);
const SIZE = '(\\d+(?:\\.\\d+)?)\\s?(B|KB|MB|GB|TB)';
const NUMBER = '(-?\\d+(?:\\.\\d+)?)';

function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

function compile(data) {
  const exact = new Map();
  const patterns = [];
  for (const [en, local] of data.pairs) {
    if (!en.includes('{')) { if (en !== local) { exact.set(en, local); } continue; }
    const names = [];
    let re = '';
    for (const part of en.split(/(\{\w+\})/)) {
      const m = /^\{(\w+)\}$/.exec(part);
      if (!m) { re += escapeRe(part); continue; }
      names.push(m[1]);
      re += m[1] === 'size' ? SIZE : (['count', 'low', 'high'].includes(m[1]) ? NUMBER : '(.+?)');
    }
    patterns.push({re: new RegExp('^' + re + '$'), names, local});
  }
  return {exact, patterns, decimal: data.decimal, active: data.lang !== 'en'};
}

function localNumber(text, decimal) { return decimal === ',' ? text.replace('.', ',') : text; }

function translate(table, text) {
  const core = text.trim();
  if (!core) { return null; }
  const hit = table.exact.get(core);
  if (hit !== undefined) { return text.replace(core, hit); }
  for (const p of table.patterns) {
    const m = p.re.exec(core);
    if (!m) { continue; }
    let i = 1;
    const values = {};
    for (const name of p.names) {
      if (name === 'size') { values.size = localNumber(m[i], table.decimal) + ' ' + m[i + 1]; i += 2; }
      else if (['count', 'low', 'high'].includes(name)) { values[name] = localNumber(m[i], table.decimal); i += 1; }
      else { values[name] = m[i]; i += 1; }
    }
    const out = p.local.replace(/\{(\w+)\}/g, (_, n) => values[n] ?? '');
    return text.replace(core, out);
  }
  return null;
}

function state() {
  if (!window.__tbgeoLocalize) {
    window.__tbgeoLocalize = {table: null, texts: new WeakMap(), attrs: new WeakMap(), observer: null};
  }
  return window.__tbgeoLocalize;
}

// a node: its original (English) text and what tbgeo wrote, so a change by Streamlit is seen as new
function fixText(s, node) {
  const now = node.nodeValue;
  const seen = s.texts.get(node);
  const original = seen && seen.written === now ? seen.original : now;
  const out = s.table.active ? translate(s.table, original) : null;
  const value = out === null ? original : out;
  if (value !== now) { node.nodeValue = value; }
  if (out !== null || seen) { s.texts.set(node, {original, written: value}); }
}

function fixAttrs(s, el) {
  let mine = s.attrs.get(el);
  for (const name of ATTRS) {
    const now = el.getAttribute(name);
    if (now === null) { continue; }
    const seen = mine && mine[name];
    const original = seen && seen.written === now ? seen.original : now;
    const out = s.table.active ? translate(s.table, original) : null;
    const value = out === null ? original : out;
    if (value !== now) { el.setAttribute(name, value); }
    if (out !== null || seen) {
      if (!mine) { mine = {}; s.attrs.set(el, mine); }
      mine[name] = {original, written: value};
    }
  }
}

function walk(s, root) {
  if (root.nodeType === Node.TEXT_NODE) {
    if (!(root.parentElement && SKIP.has(root.parentElement.tagName))) { fixText(s, root); }
    return;
  }
  if (root.nodeType !== Node.ELEMENT_NODE || SKIP.has(root.tagName)) { return; }
  fixAttrs(s, root);
  const it = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (n.nodeType === Node.ELEMENT_NODE && SKIP.has(n.tagName)) ? NodeFilter.FILTER_REJECT
      : NodeFilter.FILTER_ACCEPT,
  });
  for (let n = it.nextNode(); n; n = it.nextNode()) {
    if (n.nodeType === Node.TEXT_NODE) { fixText(s, n); } else { fixAttrs(s, n); }
  }
}

export default function (component) {
  const { data } = component;
  const s = state();
  const table = compile(data);
  const changed = !s.table || s.table.key !== data.key;
  table.key = data.key;
  s.table = table;
  document.documentElement.lang = data.lang;
  if (!s.observer) {
    s.observer = new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'characterData') { walk(s, r.target); }
        else if (r.type === 'attributes') { fixAttrs(s, r.target); }
        else { for (const n of r.addedNodes) { walk(s, n); } }
      }
    });
    s.observer.observe(document.documentElement, {subtree: true, childList: true, characterData: true,
                                                  attributes: true, attributeFilter: ATTRS});
  }
  if (changed) { walk(s, document.body); }
}
"""

_component = component("tbgeo_localize", js=_JS)


@cache
def frontend_table(lang: str) -> tuple[tuple[str, str], ...]:
    """(Streamlit's English, the reader's words) for every ``frontend.*`` message, patterns with
    ``{placeholders}`` included."""
    en, local = catalog("en"), catalog(lang)
    return tuple((en[key], local[key]) for key in sorted(en) if key.startswith(_PREFIX))


def mount(lang: str) -> Any:
    """Run the page's translator for ``lang`` (once per page; every run hands it the language)."""
    decimal = "," if lang == "vi" else "."
    return _component(key=Key.LOCALIZE, data={"lang": lang, "key": lang, "decimal": decimal,
                                              "pairs": [list(p) for p in frontend_table(lang)]})
