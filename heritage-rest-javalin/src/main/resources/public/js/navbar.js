// The header every page shares. A classic (not module) script, loaded just before <mh-navbar>:
// the element is defined by the time the parser reaches it, so the header is built in place
// while the page is still being parsed, with no flash. The page's <body data-page> marks the
// current link.
//
// It also asks the server who is calling (/api/me, with the token from the sign-in page) and
// marks <html> with what the caller may do: data-can-upload, data-can-admin. The stylesheet hides
// [data-needs="upload"] and [data-needs="admin"] elements the caller cannot use (until the answer
// comes, too), and shows [data-unless="upload"] hints in their place.
(function () {
  const TOKEN_KEY = 'heritage.token';
  const token = () => { try { return sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; } };

  function showCaller(link, me, problem) {
    const root = document.documentElement;
    delete root.dataset.canUpload;
    delete root.dataset.canAdmin;
    root.dataset.caller = me ? me.kind : 'unknown';
    if (me && me.can_upload) root.dataset.canUpload = 'true';
    if (me && me.can_admin) root.dataset.canAdmin = 'true';
    if (!link) return;
    link.classList.remove('nav-role-warning');
    // "who · role"; on phones only the last part shows (the first is .hide-sm), so the bar fits
    const label = (first, last) => {
      link.textContent = '';
      if (first) {
        const span = document.createElement('span');
        span.className = 'hide-sm';
        span.textContent = `${first} · `;
        link.append(span);
      }
      link.append(document.createTextNode(last));
    };
    if (problem) {
      const [first, last] = problem.includes(' · ') ? problem.split(' · ') : [null, problem];
      label(first, last);
      link.classList.add('nav-role-warning');
      link.title = 'Sign in again';
    } else if (me && me.kind === 'token') {
      label(me.name, me.role);
      link.title = `Signed in with token ${me.name} (role ${me.role}); sign out or switch tokens`;
    } else if (me && me.kind === 'oidc') {
      label(me.name, me.role || 'no role');
      link.title = `Signed in as ${me.name} through single sign-on`;
    } else if (me && me.kind === 'local') {
      label('Local', 'admin');
      link.title = 'No token exists yet: whoever uses this machine may do everything. Sign in with a token';
    } else {
      if (me && me.role) {
        link.textContent = 'Sign in';
        const span = document.createElement('span');
        span.className = 'hide-sm';
        span.textContent = ` · ${me.role}`;
        link.append(span);
      } else {
        label(null, 'Sign in');
      }
      link.title = me && me.role ? `Without a token you may ${me.role === 'reader' ? 'read' : me.role}; sign in with a token to do more` : 'Sign in with an API token';
    }
    link.dataset.role = me && me.role ? me.role : 'none';
  }

  /** Asks the server who is calling and updates the page; sign-in calls it again. */
  async function refresh() {
    const link = document.getElementById('nav-role');
    const headers = { Accept: 'application/json' };
    if (token()) headers.Authorization = `Bearer ${token()}`;
    try {
      const response = await fetch('api/me', { headers });
      const body = await response.json().catch(() => null);
      if (response.ok) {
        showCaller(link, body, null);
        return body;
      }
      showCaller(link, null, response.status === 401 ? 'Token not accepted · sign in' : response.status === 429 ? 'Too many requests' : 'Sign in');
    } catch (e) {
      showCaller(link, null, 'Offline');
    }
    return null;
  }

  window.mhCaller = { refresh };

  customElements.define('mh-navbar', class extends HTMLElement {
    connectedCallback() {
      const header = document.createElement('header');
      header.className = 'navbar';
      header.innerHTML = `
      <nav class="navbar-inner" aria-label="Main">
        <a class="brand" href="./" aria-label="Model Heritage home">
          <span class="brand-icon" aria-hidden="true"><svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"><ellipse cx="12" cy="5" rx="8" ry="3"/><path d="M4 5v14c0 1.66 3.58 3 8 3s8-1.34 8-3V5"/><path d="M4 12c0 1.66 3.58 3 8 3s8-1.34 8-3"/></svg></span>
          <span class="brand-text">Model Heritage</span>
        </a>
        <div class="nav-links">
          <a class="nav-link" href="models.html">Models</a>
          <a class="nav-link" href="dashboard.html" aria-label="Dashboard"><span class="hide-sm">Dashboard</span><svg class="show-sm nav-icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" aria-hidden="true"><path d="M4 20V10M10 20V4M16 20v-7M22 20H2"/></svg></a>
          <a class="nav-link" href="identify.html" aria-label="Identify"><span class="hide-sm">Identify</span><svg class="show-sm nav-icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" aria-hidden="true"><circle cx="11" cy="11" r="7"/><path d="m21 21-4.3-4.3"/></svg></a>
          <a class="nav-link nav-role" id="nav-role" href="signin.html">Sign in</a>
          <a class="btn btn-primary btn-sm" id="nav-add" href="add.html" data-needs="upload" aria-label="Add Model"><svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.6" stroke-linecap="round" aria-hidden="true"><path d="M12 5v14M5 12h14"/></svg><span class="hide-sm">Add Model</span><span class="show-sm">Add</span></a>
        </div>
      </nav>`;
      const current = { models: 'a[href="models.html"]', dashboard: 'a[href="dashboard.html"]', identify: 'a[href="identify.html"]', add: '#nav-add', signin: '#nav-role' }[document.body.dataset.page];
      if (current) {
        header.querySelector(current).setAttribute('aria-current', 'page');
      }
      this.replaceWith(header);
      refresh();
    }
  });
})();
