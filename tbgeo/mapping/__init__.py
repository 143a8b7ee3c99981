"""All of folium: the web map (``webmap``), the map's view and cache stamps (``view``), the offline
Leaflet assets (``assets``) and the maps of the review, search and upload pages (``maps``)."""
