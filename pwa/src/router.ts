// Routes: login and the home are in the entry chunk; everything else loads on demand.
import { createRouter, createWebHistory } from 'vue-router'
import LoginPage from './pages/LoginPage.vue'
import HomePage from './pages/HomePage.vue'
import { newEntryProps, one } from './entry/route'
import { useAuthStore } from './stores/auth'
import type { Role } from './stores/auth'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session. */
    public?: boolean
    /** Shows the bottom tab bar. */
    tabbar?: boolean
    /** Only these roles may open it (the server checks again); others go home. */
    roles?: Role[]
  }
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: LoginPage, meta: { public: true } },
    { path: '/', name: 'home', component: HomePage, meta: { tabbar: true } },
    // 修改密码: the user's own change, and the screen an admin-set password leads to first.
    { path: '/password', name: 'password', component: () => import('./accounts/PasswordPage.vue') },
    {
      path: '/users',
      name: 'users',
      component: () => import('./accounts/UsersPage.vue'),
      meta: { roles: ['admin'] },
    },
    { path: '/me', name: 'me', component: () => import('./pages/MePage.vue'), meta: { tabbar: true } },
    { path: '/outbox', name: 'outbox', component: () => import('./pages/OutboxPage.vue'), meta: { tabbar: true } },
    {
      path: '/outbox/:id/edit',
      name: 'outbox-fix',
      component: () => import('./pages/FormFixPage.vue'),
      props: (route) => ({ itemId: String(route.params.id) }),
    },
    {
      path: '/visit/new',
      name: 'visit-new',
      component: () => import('./pages/FormNewPage.vue'),
      props: (route) => newEntryProps('household_visit', route.query),
    },
    // Any template by key (关爱巡访, 上报隐患, 城市管理问题 use the same page), about a resident or a
    // household; new, for a task or resubmitting a returned one (src/entry/jobs.ts tells them apart).
    {
      path: '/forms/:key/new',
      name: 'form-new',
      component: () => import('./pages/FormNewPage.vue'),
      props: (route) => newEntryProps(String(route.params.key), route.query),
    },
    // Register edits that the server sent back (fix) or that met someone else's edit (conflict).
    {
      path: '/outbox/:id/household',
      name: 'outbox-household',
      component: () => import('./pages/HouseholdEditPage.vue'),
      props: (route) => ({ itemId: String(route.params.id) }),
    },
    {
      path: '/outbox/:id/resident',
      name: 'outbox-resident',
      component: () => import('./pages/ResidentEditPage.vue'),
      props: (route) => ({ itemId: String(route.params.id) }),
    },
    {
      path: '/outbox/:id/conflict',
      name: 'conflict',
      component: () => import('./pages/ConflictPage.vue'),
      props: true,
    },
    // 住户: the register of the worker's grids, offline.
    { path: '/roster', name: 'roster', component: () => import('./pages/RosterPage.vue'), meta: { tabbar: true } },
    {
      path: '/roster/households/new',
      name: 'household-new',
      component: () => import('./pages/HouseholdEditPage.vue'),
      props: (route) => ({ buildingId: one(route.query.building) }),
    },
    {
      path: '/roster/households/:id',
      name: 'household',
      component: () => import('./pages/HouseholdPage.vue'),
      props: true,
    },
    {
      path: '/roster/households/:id/edit',
      name: 'household-edit',
      component: () => import('./pages/HouseholdEditPage.vue'),
      props: true,
    },
    {
      path: '/roster/households/:householdId/residents/new',
      name: 'resident-new',
      component: () => import('./pages/ResidentEditPage.vue'),
      props: true,
    },
    {
      path: '/roster/residents/:id/edit',
      name: 'resident-edit',
      component: () => import('./pages/ResidentEditPage.vue'),
      props: true,
    },
    // 地图: the worker's grid, buildings and cases from the pulled snapshot (Leaflet: its own chunk).
    {
      path: '/map',
      name: 'map',
      component: () => import('./map/MapPage.vue'),
      meta: { tabbar: true, roles: ['worker'] },
    },
    // 一张图 for the desk: grids by visit coverage, cases clustered by light, heat by category.
    {
      path: '/map/desk',
      name: 'desk-map',
      component: () => import('./map/DeskMapPage.vue'),
      meta: { roles: ['supervisor', 'admin'] },
    },
    // 我的上报: every submission of the worker with its review and case state.
    { path: '/mine', name: 'mine', component: () => import('./pages/MyReportsPage.vue') },
    // One of them opened: what was reported, whether it has synced, the case it became.
    { path: '/mine/:id', name: 'report', component: () => import('./pages/ReportDetailPage.vue'), props: true },
    // The case loop: desk screens (review, board, tasks, KPIs) and the case page every role opens; all lazy.
    {
      path: '/review',
      name: 'review',
      component: () => import('./supervisor/ReviewQueuePage.vue'),
      meta: { roles: ['supervisor', 'admin'] },
    },
    {
      path: '/cases',
      name: 'cases',
      component: () => import('./supervisor/CaseBoardPage.vue'),
      meta: { tabbar: true, roles: ['supervisor', 'admin'] },
    },
    { path: '/cases/:id', name: 'case', component: () => import('./cases/CasePage.vue'), props: true },
    {
      path: '/tasks/new',
      name: 'task-new',
      component: () => import('./tasks/TaskNewPage.vue'),
      meta: { roles: ['supervisor', 'admin'] },
    },
    // Where push notifications lead: a task opens its work; a returned submission, 我的上报's returned list.
    { path: '/tasks/:id', name: 'task', component: () => import('./tasks/TaskOpenPage.vue'), props: true },
    {
      path: '/submissions/:id',
      redirect: (to) => ({ name: 'mine', query: { tab: 'returned', focus: String(to.params.id) } }),
    },
    // 我的专项: a campaign's checklist on the phone; the desk's campaign and roll-call boards.
    {
      path: '/campaigns/:id',
      name: 'campaign-checklist',
      component: () => import('./campaigns/CampaignChecklistPage.vue'),
      props: true,
    },
    {
      path: '/desk/campaigns',
      name: 'campaign-boards',
      component: () => import('./campaigns/CampaignBoardPage.vue'),
      meta: { roles: ['supervisor', 'admin'] },
    },
    // 发起专项 (and the street's festival proposals); before :id, which would take "new".
    {
      path: '/desk/campaigns/new',
      name: 'campaign-new',
      component: () => import('./campaigns/CampaignNewPage.vue'),
      meta: { roles: ['supervisor'] },
    },
    {
      path: '/desk/campaigns/:id',
      name: 'campaign-board',
      component: () => import('./campaigns/CampaignBoardPage.vue'),
      props: true,
      meta: { roles: ['supervisor', 'admin'] },
    },
    {
      path: '/dashboard',
      name: 'dashboard',
      component: () => import('./reports/DashboardPage.vue'),
      meta: { roles: ['supervisor', 'admin'] },
    },
    // 台账导入: a street's register ledger from Excel or CSV.
    {
      path: '/ledger/import',
      name: 'ledger-import',
      component: () => import('./ledger/LedgerImportPage.vue'),
      meta: { roles: ['supervisor', 'admin'] },
    },
    // 走访覆盖率: each worker's month in the caller's scope, by grid (not ranked).
    {
      path: '/desk/coverage',
      name: 'coverage',
      component: () => import('./coverage/CoveragePage.vue'),
      meta: { roles: ['supervisor', 'admin'] },
    },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
})

router.beforeEach((to) => {
  const auth = useAuthStore()
  if (!to.meta.public && !auth.isLoggedIn) {
    return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  }
  if (to.name === 'login' && auth.isLoggedIn) return { name: 'home' }
  // The server refuses everything else until an admin-set password is replaced: say so first.
  if (auth.isLoggedIn && auth.mustChangePassword && to.name !== 'password') {
    return { name: 'password', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  }
  if (to.meta.roles && auth.user && !to.meta.roles.includes(auth.user.role)) return { name: 'home' }
  return true
})
