// Routes: login and the home are in the entry chunk; everything else loads on demand.
import { createRouter, createWebHistory } from 'vue-router'
import LoginPage from './pages/LoginPage.vue'
import HomePage from './pages/HomePage.vue'
import { useAuthStore } from './stores/auth'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session. */
    public?: boolean
    /** Shows the bottom tab bar. */
    tabbar?: boolean
  }
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: LoginPage, meta: { public: true } },
    { path: '/', name: 'home', component: HomePage, meta: { tabbar: true } },
    { path: '/me', name: 'me', component: () => import('./pages/MePage.vue'), meta: { tabbar: true } },
    { path: '/outbox', name: 'outbox', component: () => import('./pages/OutboxPage.vue'), meta: { tabbar: true } },
    {
      path: '/outbox/:id/edit',
      name: 'outbox-fix',
      component: () => import('./pages/FormEntryPage.vue'),
      props: (route) => ({ itemId: String(route.params.id) }),
    },
    {
      path: '/visit/new',
      name: 'visit-new',
      component: () => import('./pages/FormEntryPage.vue'),
      props: { templateKey: 'household_visit' },
    },
    // Any template by key (the field-work forms use the same page).
    {
      path: '/forms/:key/new',
      name: 'form-new',
      component: () => import('./pages/FormEntryPage.vue'),
      props: (route) => ({ templateKey: String(route.params.key) }),
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
  return true
})
