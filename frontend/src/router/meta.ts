import type { Component } from 'vue'
import type { Capability } from '@/api'
import 'vue-router'

export interface MenuMeta {
  /** Element Plus icon component. */
  icon: Component
  /** Position in the side menu (ascending). */
  order: number
}

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title (document title, breadcrumbs, menu). */
    title?: string
    /** Reachable without signing in (the sign-in page). */
    public?: boolean
    /** The caller needs one of these capabilities (in any organisation) to open the page. */
    capability?: Capability | readonly Capability[]
    /** Only for accounts linked to a member record (self-service pages such as 我的党员信息). */
    member?: boolean
    /** Render without the application frame (sign-in, forced password change). */
    blank?: boolean
    /** Show in the side menu. */
    menu?: MenuMeta
    /** Parent page for breadcrumbs (route name). */
    parent?: string
  }
}

export {}
