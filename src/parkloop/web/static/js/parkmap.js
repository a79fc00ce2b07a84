/*
 * parkloop map: a Leaflet map of companies and resource exchanges that works offline.
 *
 * Markup (no inline script or style, so a strict Content-Security-Policy holds):
 *
 *   <link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">
 *   <link rel="stylesheet" href="/static/css/parkmap.css">
 *   <div class="parkloop-map"
 *        data-basemap-url="/static/basemap/baltic.geojson"
 *        data-tile-url=""                      (optional: e.g. https://tiles.example/{z}/{x}/{y}.png)
 *        data-attribution="Natural Earth"      (plain text; it is escaped)
 *        data-markers-url="/parks/3/map.json"> (optional)
 *   </div>
 *   <script src="/static/vendor/leaflet/leaflet.js"></script>
 *   <script src="/static/js/parkmap.js"></script>
 *
 * The markers URL returns
 *   {"companies": [{"id", "name", "lat", "lon", "sector", "href"}],
 *    "exchanges": [{"from": [lat, lon], "to": [lat, lon], "label"}]}
 *
 * Every text from the data goes into the page through textContent or escaping; nothing from
 * the data is parsed as HTML. When the markers are drawn the element receives a
 * "parkloop:map-ready" event (detail: {map}); on a failure it shows a message and receives
 * "parkloop:map-error" (detail: {error}).
 *
 * Plain ES2017, no build step. Licence: Apache-2.0, as the rest of parkloop.
 */
(function (window, document) {
  'use strict';

  // Baltic Sea region shown before the markers arrive: [[south, west], [north, east]].
  const BALTIC_BOUNDS = [[52, 3], [71, 33]];
  const DEFAULT_ATTRIBUTION = 'Natural Earth';
  const BASEMAP_PANE = 'parkloopBasemap';
  const SINGLE_POINT_ZOOM = 11;
  const MAX_FIT_ZOOM = 12;
  const maps = new WeakMap();

  function escapeHtml(text) {
    return String(text)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;');
  }

  function isFiniteNumber(value) {
    return typeof value === 'number' && Number.isFinite(value);
  }

  function toLatLng(lat, lon) {
    if (!isFiniteNumber(lat) || !isFiniteNumber(lon)) {
      return null;
    }
    if (Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      return null;
    }
    return window.L.latLng(lat, lon);
  }

  function pairToLatLng(pair) {
    return Array.isArray(pair) && pair.length === 2 ? toLatLng(pair[0], pair[1]) : null;
  }

  // Only http(s) links (absolute or relative to this page) become links; anything else,
  // such as a javascript: URL, is dropped.
  function safeHref(href) {
    if (typeof href !== 'string' || href === '') {
      return null;
    }
    try {
      const url = new URL(href, window.location.href);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (err) {
      return null;
    }
  }

  function textElement(tag, className, text) {
    const node = document.createElement(tag);
    node.className = className;
    node.textContent = text === undefined || text === null ? '' : String(text);
    return node;
  }

  function sectorClass(sector) {
    const slug = String(sector || '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
    return slug ? ' parkloop-sector-' + slug : '';
  }

  function companyPopup(company) {
    const box = document.createElement('div');
    box.className = 'parkloop-popup';
    box.appendChild(textElement('strong', 'parkloop-popup-name', company.name));
    if (company.sector) {
      box.appendChild(textElement('div', 'parkloop-popup-sector', company.sector));
    }
    const href = safeHref(company.href);
    if (href) {
      const link = textElement('a', 'parkloop-popup-link', 'Open company page');
      link.href = href;
      box.appendChild(link);
    }
    return box;
  }

  async function fetchJson(url) {
    const response = await window.fetch(url, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (!response.ok) {
      throw new Error('could not load ' + url + ' (HTTP ' + response.status + ')');
    }
    return response.json();
  }

  function showError(element, message) {
    element.appendChild(textElement('div', 'parkloop-map-error', message));
  }

  function notify(element, name, detail) {
    element.dispatchEvent(new window.CustomEvent(name, { detail: detail }));
  }

  async function addBasemap(map, options) {
    if (options.tileUrl) {
      window.L.tileLayer(options.tileUrl, {
        attribution: escapeHtml(options.attribution),
        maxZoom: 19,
      }).addTo(map);
      return;
    }
    if (!options.basemapUrl) {
      return;
    }
    const geojson = await fetchJson(options.basemapUrl);
    map.createPane(BASEMAP_PANE);
    window.L.geoJSON(geojson, {
      pane: BASEMAP_PANE,
      interactive: false,
      attribution: escapeHtml(options.attribution),
      style: function () {
        return { className: 'parkloop-land', weight: 0.6 };
      },
    }).addTo(map);
  }

  function addCompanies(layer, companies, points) {
    companies.forEach(function (company) {
      if (!company || typeof company !== 'object') {
        return;
      }
      const latlng = toLatLng(company.lat, company.lon);
      if (!latlng) {
        return;
      }
      points.push(latlng);
      window.L.circleMarker(latlng, {
        radius: 6,
        weight: 1.5,
        className: 'parkloop-company' + sectorClass(company.sector),
      })
        .bindPopup(companyPopup(company))
        .bindTooltip(textElement('span', 'parkloop-tooltip-name', company.name))
        .addTo(layer);
    });
  }

  function addExchanges(layer, exchanges, points) {
    exchanges.forEach(function (exchange) {
      if (!exchange || typeof exchange !== 'object') {
        return;
      }
      const from = pairToLatLng(exchange.from);
      const to = pairToLatLng(exchange.to);
      if (!from || !to) {
        return;
      }
      points.push(from, to);
      const line = window.L.polyline([from, to], { weight: 3, className: 'parkloop-exchange' });
      if (exchange.label) {
        line.bindTooltip(textElement('span', 'parkloop-exchange-text', exchange.label), {
          sticky: true,
          className: 'parkloop-exchange-label',
        });
      }
      line.addTo(layer);
    });
  }

  function fitToPoints(map, points) {
    if (points.length === 1) {
      map.setView(points[0], SINGLE_POINT_ZOOM);
    } else if (points.length > 1) {
      map.fitBounds(window.L.latLngBounds(points), { padding: [24, 24], maxZoom: MAX_FIT_ZOOM });
    }
  }

  async function addMarkers(map, markersUrl) {
    const data = await fetchJson(markersUrl);
    const companies = data && Array.isArray(data.companies) ? data.companies : [];
    const exchanges = data && Array.isArray(data.exchanges) ? data.exchanges : [];
    const layer = window.L.featureGroup().addTo(map);
    const points = [];
    // Lines first, so the company markers stay on top of them and remain clickable.
    addExchanges(layer, exchanges, points);
    addCompanies(layer, companies, points);
    fitToPoints(map, points);
  }

  function readOptions(element) {
    const data = element.dataset;
    return {
      basemapUrl: data.basemapUrl || '',
      tileUrl: data.tileUrl || '',
      attribution: data.attribution || DEFAULT_ATTRIBUTION,
      markersUrl: data.markersUrl || '',
    };
  }

  /**
   * Draw a parkloop map into `element` from its data attributes and return the Leaflet map.
   * Calling it twice on the same element returns the first map.
   */
  function parkloopMap(element) {
    if (maps.has(element)) {
      return maps.get(element);
    }
    if (!window.L) {
      throw new Error('Leaflet is not loaded: include vendor/leaflet/leaflet.js first');
    }
    const options = readOptions(element);
    const map = window.L.map(element, { zoomSnap: 0.5 });
    maps.set(element, map);
    map.fitBounds(BALTIC_BOUNDS);
    const basemap = addBasemap(map, options);
    const markers = options.markersUrl ? addMarkers(map, options.markersUrl) : Promise.resolve();
    Promise.all([basemap, markers]).then(
      function () {
        notify(element, 'parkloop:map-ready', { map: map });
      },
      function (error) {
        showError(element, 'The map could not be drawn: ' + error.message);
        notify(element, 'parkloop:map-error', { error: error });
      }
    );
    return map;
  }

  function initAll() {
    document.querySelectorAll('.parkloop-map').forEach(function (element) {
      try {
        parkloopMap(element);
      } catch (error) {
        showError(element, 'The map could not be drawn: ' + error.message);
      }
    });
  }

  window.parkloopMap = parkloopMap;
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', initAll);
  } else {
    initAll();
  }
})(window, document);
