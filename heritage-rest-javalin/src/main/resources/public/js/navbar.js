// The header every page shares. A classic (not module) script, loaded just before <mh-navbar>:
// the element is defined by the time the parser reaches it, so the header is built in place
// while the page is still being parsed, with no flash. The page's <body data-page> marks the
// current link.
customElements.define('mh-navbar', class extends HTMLElement {
  connectedCallback() {
    const header = document.createElement('header');
    header.className = 'navbar';
    header.innerHTML = `
    <nav class="navbar-inner" aria-label="Main">
      <a class="brand" href="/" aria-label="Model Heritage home">
        <span class="brand-icon" aria-hidden="true"><svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"><ellipse cx="12" cy="5" rx="8" ry="3"/><path d="M4 5v14c0 1.66 3.58 3 8 3s8-1.34 8-3V5"/><path d="M4 12c0 1.66 3.58 3 8 3s8-1.34 8-3"/></svg></span>
        <span class="brand-text">Model Heritage</span>
      </a>
      <div class="nav-links">
        <a class="nav-link" href="/models.html">Models</a>
        <a class="btn btn-primary btn-sm" id="nav-add" href="/add.html"><svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.6" stroke-linecap="round" aria-hidden="true"><path d="M12 5v14M5 12h14"/></svg>Add Model</a>
      </div>
    </nav>`;
    const current = { models: 'a[href="/models.html"]', add: '#nav-add' }[document.body.dataset.page];
    if (current) {
      header.querySelector(current).setAttribute('aria-current', 'page');
    }
    this.replaceWith(header);
  }
});
