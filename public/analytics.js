// Candor CRM's own page-view counter. The server puts this script in the page only for visitors
// who allowed analytics, and the page script (site.js) adds or removes it as the choice changes;
// it stops counting as soon as its element is gone. It sends the path only: no query string, no
// title, no referrer.
(() => {
  const count = () => {
    if (!document.getElementById('candor-analytics')) return;
    navigator.sendBeacon('/api/analytics/page-view', new Blob([location.pathname], { type: 'text/plain' }));
  };
  count();
  // Loaded again after consent is withdrawn and given back: count this page, listen only once.
  if (window.candorAnalyticsListening) return;
  window.candorAnalyticsListening = true;
  window.addEventListener('candor:navigate', count);
})();
