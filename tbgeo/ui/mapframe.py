"""The map page's map: the cached map page (``tbgeo.mapping.view``) in a frame that fills the window,
and hands the page the point a user clicks (a Streamlit component, no folium on the way).

The map posts ``{"tbgeo": "identify", "lat", "lng", "zoom"}`` to this frame's window
(``tbgeo.mapping.tools``); only messages from the frame's own map are taken. The frame keeps its map
(and the user's pan and zoom) while the page reruns with the same map. After the user moves the map,
it posts ``{"tbgeo": "view", …}`` (``tbgeo.mapping.view.with_view``); the frame hands the page the
view half a second after the last move, which the page keeps in its address.
"""

from __future__ import annotations

import streamlit as st
from streamlit.components.v2 import component

from tbgeo.mapping.tools import CLICK_MESSAGE
from tbgeo.mapping.view import VIEW_MESSAGE
from tbgeo.ui.address import parse_view
from tbgeo.ui.state import Key

__all__ = ["show_map", "MAP_MARGIN_PX", "MAP_MIN_PX"]

#: The map fills the window from where it starts (below the title) to MAP_MARGIN_PX above its bottom
#: edge, and is never lower than MAP_MIN_PX.
MAP_MARGIN_PX = 16
MAP_MIN_PX = 360

_JS = """
export default function (component) {
  const { data, setTriggerValue, setStateValue, parentElement } = component;
  let frame = parentElement.querySelector('iframe.tbgeo-map-frame');
  if (!frame) {
    frame = document.createElement('iframe');
    frame.className = 'tbgeo-map-frame';
    parentElement.appendChild(frame);
  }
  frame.title = data.title;
  frame.style.cssText = 'display:block;width:100%;border:0;height:' + data.min + 'px';
  // the map fills the window below where it starts (the title above it), never less than data.min
  const fit = () => {
    const top = frame.getBoundingClientRect().top + window.scrollY;
    frame.style.height = Math.max(data.min, Math.floor(window.innerHeight - top - data.margin)) + 'px';
  };
  fit();
  if (frame.srcdoc !== data.html) { frame.srcdoc = data.html; }
  let viewTimer = null;
  const onMessage = (event) => {
    if (event.source !== frame.contentWindow || !event.data) { return; }
    const point = {lat: Number(event.data.lat), lng: Number(event.data.lng), zoom: Number(event.data.zoom)};
    if (event.data.tbgeo === data.message) {
      setTriggerValue('click', point);
    } else if (event.data.tbgeo === data.view_message) {
      clearTimeout(viewTimer);
      viewTimer = setTimeout(() => setStateValue('view', point), 500);
    }
  };
  window.addEventListener('message', onMessage);
  window.addEventListener('resize', fit);
  return () => { clearTimeout(viewTimer); window.removeEventListener('message', onMessage); window.removeEventListener('resize', fit); };
}
"""

_component = component("tbgeo_map_frame", js=_JS)


def _no_op() -> None:
    """The click is read from the component's result in the same run (a callback must be named)."""


def show_map(html: str, *, title: str) -> None:
    """Show the map page ``html``; a click on it is kept in ``st.session_state[Key.MAP_CLICK]`` (a
    trigger lasts one run; what it showed stays until the next click), the view the user moved it to
    in ``st.session_state[Key.MAP_VIEW]``."""
    result = _component(
        key=Key.MAP_FRAME,
        data={"html": html, "title": title, "margin": MAP_MARGIN_PX, "min": MAP_MIN_PX, "message": CLICK_MESSAGE,
              "view_message": VIEW_MESSAGE},
        on_click_change=_no_op,
        on_view_change=_no_op,
    )
    click = getattr(result, "click", None)
    if click is not None:
        st.session_state[Key.MAP_CLICK] = click
    view = parse_view(_view_text(getattr(result, "view", None)))
    if view is not None:
        st.session_state[Key.MAP_VIEW] = view


def _view_text(value: object) -> str | None:
    """The frame's view ({lat, lng, zoom}) as the address writes it, for the one parser of views."""
    if not isinstance(value, dict):
        return None
    return ",".join(str(value.get(k)) for k in ("lat", "lng", "zoom"))
