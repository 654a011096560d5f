import 'uplot/dist/uPlot.min.css';
import './dashboard.css';
import { AdminApi } from './api.js';
import { DashboardView } from './app.js';
import { fill } from './dom.js';
import { loginView } from './login.js';
import { TokenStore } from './token-store.js';

// The page's entry point: the dashboard with a token the admin API accepts, else the login form.
const root = document.getElementById('app')!;
const tokens = new TokenStore();
let view: DashboardView | undefined;

function showLogin(error?: string): void {
  view?.dispose();
  view = undefined;
  fill(root, loginView({ token: tokens.served, error, onAccepted: (token, remember) => (tokens.set(token, remember), showDashboard(token)) }));
}

function showDashboard(token: string): void {
  view = new DashboardView(new AdminApi(token), {
    onUnauthorized: (message) => (tokens.clear(), showLogin(message)),
    onSignOut: () => (tokens.clear(), showLogin()),
  });
  fill(root, view.element);
  view.start();
}

const token = tokens.stored() ?? tokens.served;
if (token) showDashboard(token);
else showLogin();
