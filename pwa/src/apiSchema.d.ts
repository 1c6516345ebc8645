// Generated from GET /api/v1/openapi.json by openapi-typescript: do not edit.
// Regenerate with `npm run api-types` (pwa/scripts/api-types.mjs); `make test` fails when it is stale.

export interface paths {
    "/api/v1/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Report the service and each dependency's state (no login needed: load balancers call it). */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Health"];
                    };
                };
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                /** @description The database is unreachable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Health"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Log in with username and password; answers the user and the CSRF token. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Login"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Session"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                429: components["responses"]["TOO_MANY_REQUESTS"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * End the session on the server: this user's session and remember-me cookies stop working on
         *     every device (a copied cookie included), not only in this browser.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No Content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The logged-in user and a CSRF token for unsafe requests. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Session"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Change your own password (at least 10 characters, not a common one). Ends your sessions on
         *     other devices; this one goes on, with the new CSRF token in the answer.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["PasswordChange"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Session"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                429: components["responses"]["TOO_MANY_REQUESTS"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List user accounts in the caller's scope (phones masked). */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UserList"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        /**
         * Create a user account within the admin's street or district; the user must change the
         *     password at the first login.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["UserCreate"];
                };
            };
            responses: {
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["User"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                user_id: number;
            };
            cookie?: never;
        };
        /** One user account. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    user_id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["User"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Edit, deactivate or reassign a user account. A new password ends the user's sessions, and
         *     they must change it at the next login.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    user_id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["UserUpdate"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["User"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                409: components["responses"]["CONFLICT"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        trace?: never;
    };
    "/api/v1/users/{user_id}/end-sessions": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                user_id: number;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End every session of this user on every device (a lost or stolen phone); they log in again. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    user_id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No Content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/org": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The street, its communities and grids as far as the caller may see, and departments. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OrgTree"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/org/grids/{grid_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                grid_id: number;
            };
            cookie?: never;
        };
        /** One grid; a grid outside the caller's scope answers 404. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    grid_id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Grid"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/forms": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The form templates offered for new forms (the newest version of each). */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FormTemplateList"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        /** Add a template version; older versions stay valid for items queued under them. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["TemplateCreate"];
                };
            };
            responses: {
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FormTemplate"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                409: components["responses"]["CONFLICT"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/forms/{key}/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key: string;
                version: number;
            };
            cookie?: never;
        };
        /** One exact template version, also an older one a queued item still uses. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    key: string;
                    version: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FormTemplate"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/photos/{sha256}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description SHA-256 of the photo's bytes, 64 lowercase hex digits */
                sha256: string;
            };
            cookie?: never;
        };
        /**
         * The photo (?size=full, ≤ 2048 px) or its thumbnail (?size=thumb, 320 px), as JPEG.
         * @description 404 for no such photo and for one not the caller's to see alike.
         *     HEAD answers 200 when the server has it and the caller may see it, else 404: the sync
         *     engine asks before uploading, and the uploader sees their own photo before any record uses it.
         */
        get: {
            parameters: {
                query?: {
                    size?: "full" | "thumb";
                };
                header?: never;
                path: {
                    /** @description SHA-256 of the photo's bytes, 64 lowercase hex digits */
                    sha256: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The JPEG */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "image/jpeg": unknown;
                    };
                };
                /** @description The copy the browser holds is current */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        /**
         * Upload a photo's raw bytes (JPEG, PNG, WebP or HEIC, told apart by content); a retry is harmless.
         * @description The server keeps a clean JPEG ≤ 2048 px and a 320 px thumbnail, never the upload itself.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description SHA-256 of the photo's bytes, 64 lowercase hex digits */
                    sha256: string;
                };
                cookie?: never;
            };
            /** @description The photo's raw bytes (JPEG, PNG, WebP or HEIC; the content decides) */
            requestBody: {
                content: {
                    "image/jpeg": string;
                    "image/png": string;
                    "image/webp": string;
                    "image/heic": string;
                    "application/octet-stream": string;
                };
            };
            responses: {
                /** @description The server already had this photo */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Photo"];
                    };
                };
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Photo"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sync/push": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Deliver outbox items (≤ 100, ≤ 1 MB); one result per item, in order. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Push"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PushAnswer"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sync/pull": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Changes after the cursor; without one, a snapshot of everything the caller may see. */
        get: {
            parameters: {
                query?: {
                    cursor?: string;
                    /** @description Capped at the server's page size */
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PullAnswer"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sync/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Deliver a worker's outbox backup file as if their phone had pushed it (exactly once). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description The backup file the PWA's 导出备份 wrote (JSON, photos as base64), sent as is */
            requestBody: {
                content: {
                    "application/json": Record<string, never>;
                    "application/octet-stream": string;
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ImportAnswer"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/households": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Households in scope; search by head or resident name, address or room. */
        get: {
            parameters: {
                query?: {
                    grid_id?: number;
                    building_id?: string;
                    /** @description Name, address or room */
                    q?: string;
                    page?: number;
                    per_page?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["HouseholdPage"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        /** Register a household (id optional; a `building` object adds a new building with it). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["EditBody"];
                };
            };
            responses: {
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["HouseholdDetail"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                409: components["responses"]["CONFLICT"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/households/{household_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                household_id: string;
            };
            cookie?: never;
        };
        /** One household with its building and residents (numbers masked). */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    household_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["HouseholdDetail"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Edit a household; `version` is the version edited (stale: 409 with the server's side). */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    household_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["EditBody"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["HouseholdDetail"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                409: components["responses"]["CONFLICT"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        trace?: never;
    };
    "/api/v1/households/{household_id}/phone": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                household_id: string;
            };
            cookie?: never;
        };
        /** The household's full phone number (written to the audit log). */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    household_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["HouseholdPhone"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/buildings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Buildings in scope (for choosing one when registering a household). */
        get: {
            parameters: {
                query?: {
                    grid_id?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BuildingList"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/register/export.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The register in the caller's scope as CSV, numbers masked; every export is written to the audit log.
         * @description A grid outside the caller's scope answers 404, as for any role but supervisor and admin.
         *     unmasked=1 with a reason: the full numbers, for an admin only (403 for a supervisor).
         */
        get: {
            parameters: {
                query?: {
                    /** @description Only this grid (in the caller's scope) */
                    grid_id?: number;
                    /** @description Full ID-card and phone numbers: admins only, with a `reason` (audited) */
                    unmasked?: boolean;
                    /** @description Why the full numbers are needed (required with unmasked) */
                    reason?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The CSV (UTF-8 with BOM), as an attachment */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": unknown;
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/register/export.xlsx": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The register in the caller's scope as an Excel workbook (居民底册), numbers masked; audited.
         * @description The same rows, rules and audit row as export.csv: a grid outside the scope answers 404;
         *     unmasked=1 with a reason gives the full numbers to an admin only (403 for a supervisor).
         */
        get: {
            parameters: {
                query?: {
                    /** @description Only this grid (in the caller's scope) */
                    grid_id?: number;
                    /** @description Full ID-card and phone numbers: admins only, with a `reason` (audited) */
                    unmasked?: boolean;
                    /** @description Why the full numbers are needed (required with unmasked) */
                    reason?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The workbook, as an attachment */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": unknown;
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/residents/{resident_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                resident_id: string;
            };
            cookie?: never;
        };
        /** One resident (numbers masked); outside the caller's scope: 404. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    resident_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Resident"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Edit a resident; `version` is the version edited (stale: 409 with the server's side). */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    resident_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["EditBody"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Resident"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                409: components["responses"]["CONFLICT"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        trace?: never;
    };
    "/api/v1/residents/{resident_id}/identity": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                resident_id: string;
            };
            cookie?: never;
        };
        /** The full ID-card and phone numbers (written to the audit log); outside the scope: 404. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    resident_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Identity"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/residents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Register a resident in a household (id optional). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["EditBody"];
                };
            };
            responses: {
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Resident"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                409: components["responses"]["CONFLICT"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/visits/flags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Residents not reached twice in a row, in the caller's scope, with where to find them. */
        get: {
            parameters: {
                query?: {
                    grid_id?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FlagList"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/visits/due": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** 今日到期 and 已逾期 in the caller's scope now: the lists the worker's phone shows offline. */
        get: {
            parameters: {
                query?: {
                    grid_id?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DueLists"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reports/visit-rate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Per grid in scope: residents due in the month, how many were visited, and the rate. */
        get: {
            parameters: {
                query?: {
                    /** @description YYYY-MM (Asia/Shanghai); empty or absent: this month */
                    month?: string;
                    grid_id?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["VisitRate"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/visits/export.xlsx": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A month's welfare visits in scope as an Excel workbook: one row per resident due, visited or not; audited.
         * @description The same residents as /reports/visit-rate counts for the month; a community or grid outside
         *     the scope is 404.
         */
        get: {
            parameters: {
                query?: {
                    /** @description YYYY-MM (Asia/Shanghai); empty or absent: this month */
                    month?: string;
                    grid_id?: number;
                    /** @description Only this community (in the caller's scope, else 404) */
                    community_id?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The workbook, as an attachment */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": unknown;
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/residents/{resident_id}/major-change": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                resident_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record a major change in a resident's life: the next welfare visit is due within 24 h. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    resident_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["MajorChange"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Resident"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/submissions/mine": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * My submissions, newest first: received, returned (with the comment) or accepted; a report's case state.
         * @description Paged in SQL: `page`, or `cursor` (each page's next_cursor), which neither skips nor repeats a
         *     row when new submissions arrive between pages. The phone holds only its open and recent ones
         *     (the pull snapshot); older ones are read here.
         */
        get: {
            parameters: {
                query?: {
                    kind?: "household_visit" | "welfare_visit" | "hazard_report" | "city_case";
                    review_status?: "received" | "returned" | "accepted" | "rejected" | "resubmitted";
                    /** @description 1-based page number (default 1); `cursor` pages without skips or repeats instead */
                    page?: number;
                    per_page?: number;
                    /** @description next_cursor of the page before: the rows after it, newest first */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MinePage"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/submissions/coverage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * 走访覆盖率: each worker's month from their records (a worker sees their own; a supervisor
         *     their community's; the street its own), listed by grid, never ranked; with the definitions.
         * @description A community or grid outside the caller's scope is 404.
         */
        get: {
            parameters: {
                query?: {
                    /** @description YYYY-MM (Asia/Shanghai); empty or absent: this month */
                    month?: string;
                    grid_id?: number;
                    /** @description Only this community (in the caller's scope, else 404) */
                    community_id?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Coverage"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/submissions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The review queue in scope, oldest first: filters community_id, grid_id, kind, review_status
         *     (default received), from, to (created_at); page, per_page.
         */
        get: {
            parameters: {
                query?: {
                    community_id?: number;
                    grid_id?: number;
                    kind?: "household_visit" | "welfare_visit" | "hazard_report" | "city_case";
                    review_status?: "received" | "returned" | "accepted" | "rejected" | "resubmitted";
                    /** @description created_at from this instant (ISO 8601 with offset) */
                    from?: string;
                    /** @description created_at before this instant */
                    to?: string;
                    page?: number;
                    per_page?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["QueuePage"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/submissions/{submission_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                submission_id: string;
            };
            cookie?: never;
        };
        /**
         * One submission with its answers, photos and place: the author's own (to fix a returned one
         *     on a phone that no longer holds it), or a reviewer's in scope; anyone else 404.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    submission_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SubmissionDetail"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/submissions/{submission_id}/review": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                submission_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve, return (退回补充, back to the worker's 我的上报 with a push) or reject a visit, with a comment.
         * @description A report is reviewed in its case (file, return, void): 409 review_in_case with its case_id.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    submission_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Review"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SubmissionState"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                409: components["responses"]["CONFLICT"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Audit entries newest first; filter by action, actor, target and time; paginated. */
        get: {
            parameters: {
                query?: {
                    action?: "auth.login" | "auth.login_failed" | "auth.password_changed" | "auth.password_reset" | "resident.identity_view" | "resident.identity_denied" | "household.phone_view" | "household.phone_denied" | "household.create" | "household.update" | "resident.create" | "resident.update" | "resident.major_change" | "building.create" | "export" | "ledger.import";
                    actor_id?: number;
                    target_type?: string;
                    target_id?: string;
                    /** @description From this time on (ISO 8601 with offset) */
                    since?: string;
                    /** @description Before this time */
                    until?: string;
                    page?: number;
                    per_page?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuditPage"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/push/key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The VAPID public key browsers subscribe with (applicationServerKey). */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PublicKey"];
                    };
                };
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                503: components["responses"]["SERVICE_UNAVAILABLE"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/push/subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Store this browser's push subscription for the logged-in user (201 new, 200 already known). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SubscriptionIn"];
                };
            };
            responses: {
                /** @description This endpoint was already stored */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Subscription"];
                    };
                };
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Subscription"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        /** Delete this browser's subscription (only the caller's own; anyone else's answers 404). */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Unsubscribe"];
                };
            };
            responses: {
                /** @description No Content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run an export in the background: the route (e.g. /cases/export.xlsx) and the screen's filters.
         * @description Answers 202 at once; poll GET /exports/{id} until `done` (then `download` is the file's link)
         *     or `failed` (then `error` is the export's own answer: a grid outside the scope is a 404 there).
         *     At most EXPORT_MAX_RUNNING running per user (429).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ExportRequest"];
                };
            };
            responses: {
                /** @description Accepted */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ExportJob"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                429: components["responses"]["TOO_MANY_REQUESTS"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exports/{export_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                export_id: string;
            };
            cookie?: never;
        };
        /** One of the caller's exports: its state, and the link once done. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    export_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ExportJob"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exports/{export_id}/file": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                export_id: string;
            };
            cookie?: never;
        };
        /** The finished export's file (the caller's own only): 409 while it runs or if it failed, 410 once gone. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    export_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The exported file, as an attachment */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                409: components["responses"]["CONFLICT"];
                410: components["responses"]["GONE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Cases in scope, newest first; filters state (comma list), category, community_id, grid_id, overdue=1. */
        get: {
            parameters: {
                query?: {
                    /** @description One state or a comma list: reported,filed,dispatched,... */
                    state?: string;
                    category?: string;
                    community_id?: number;
                    grid_id?: number;
                    /** @description 1/true: only cases past a running deadline */
                    overdue?: boolean;
                    page?: number;
                    per_page?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CasePage"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/export.xlsx": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Cases in scope as an Excel workbook (案件台账): states, times, deadlines and lights; audited.
         * @description The list's filters (state, category, community_id, grid_id, overdue); an unknown state or
         *     category is a 422, a community or grid outside the caller's scope a 404.
         */
        get: {
            parameters: {
                query?: {
                    /** @description One state or a comma list: reported,filed,dispatched,... */
                    state?: string;
                    /** @description A hazard focus area or a city-management class code */
                    category?: string;
                    /** @description Only this community (in the caller's scope, else 404) */
                    community_id?: number;
                    /** @description Only this grid (in the caller's scope, else 404) */
                    grid_id?: number;
                    /** @description 1/true: only cases past a running deadline */
                    overdue?: boolean;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The workbook, as an attachment */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": unknown;
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{case_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                case_id: string;
            };
            cookie?: never;
        };
        /** One case with its events, before/after photos, clocks and the caller's allowed actions. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    case_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CaseDetail"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{case_id}/actions": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                case_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Take one step of the loop: file, return, void, merge, dispatch, handle, check, rework, close.
         * @description An action the case's state does not allow answers 409 illegal_transition with `allowed`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    case_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CaseAction"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CaseDetail"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                409: components["responses"]["CONFLICT"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/{case_id}/similar": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                case_id: string;
            };
            cookie?: never;
        };
        /** Open cases of the same category within 50 m or in the same building, reported in the last 30 days. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    case_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SimilarList"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cases/time-limits": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Each category code's handling limit (working hours or days), its default, and whether edited. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TimeLimits"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        /** Set limits: {"time_limits": [{"code", "value", "unit"}]}; value null restores the default. */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["TimeLimitsBody"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TimeLimits"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tasks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Own tasks (worker) or the scope's (supervisor); filters status, assignee_id, overdue=1. */
        get: {
            parameters: {
                query?: {
                    status?: "open" | "done" | "cancelled";
                    assignee_id?: number;
                    /** @description 1/true: only open tasks past their due time */
                    overdue?: boolean;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TaskList"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        /** Assign a task to a worker covering the target's grid, due in the future. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["TaskCreate"];
                };
            };
            responses: {
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Task"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tasks/export.xlsx": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The scope's tasks as an Excel workbook (任务清单), by due time; the list's filters; audited. */
        get: {
            parameters: {
                query?: {
                    status?: "open" | "done" | "cancelled";
                    assignee_id?: number;
                    /** @description 1/true: only open tasks past their due time */
                    overdue?: boolean;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The workbook, as an attachment */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": unknown;
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tasks/{task_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                task_id: string;
            };
            cookie?: never;
        };
        /** One task. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    task_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Task"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Reassign, move the due time, cancel or reopen. */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    task_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["TaskUpdate"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Task"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        trace?: never;
    };
    "/api/v1/reports/kpis": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The KPIs of one month (YYYY-MM), for the scope or one community or grid in it.
         * @description by=community (or grid) adds `breakdown`: [{id, code, name, figures, visit_rate}] per community
         *     (or grid) of the same selection, each as /reports/kpis?community_id= (or grid_id=) answers it.
         */
        get: {
            parameters: {
                query?: {
                    /** @description YYYY-MM (Asia/Shanghai); empty or absent: this month */
                    month?: string;
                    community_id?: number;
                    grid_id?: number;
                    /** @description Adds `breakdown` per street, community or grid */
                    by?: "street" | "community" | "grid";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MonthKpis"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reports/kpis.xlsx": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The KPIs of one month as an Excel workbook: one row per figure with its definition; audited.
         * @description The same selection as /reports/kpis (month, community_id, grid_id; outside the scope: 404);
         *     by=street, community or grid adds the same figures per part below the totals.
         */
        get: {
            parameters: {
                query?: {
                    /** @description YYYY-MM (Asia/Shanghai); empty or absent: this month */
                    month?: string;
                    community_id?: number;
                    grid_id?: number;
                    /** @description Adds `breakdown` per street, community or grid */
                    by?: "street" | "community" | "grid";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The workbook, as an attachment */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": unknown;
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reports/kpis/trend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The KPIs of the last N months (default 6, at most 24), oldest first, without case ids. */
        get: {
            parameters: {
                query?: {
                    months?: number;
                    community_id?: number;
                    grid_id?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Trend"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ledger/imports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Upload a ledger file; the register is not touched. The header and mapping come next (poll). */
        post: {
            parameters: {
                query?: {
                    /** @description register: buildings, households, residents; organisation: communities, grids, workers */
                    kind?: "register" | "organisation";
                    /** @description The file's name as the user chose it (a hint; the bytes decide) */
                    filename?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description The ledger file as is: XLSX, or CSV in UTF-8 / GBK / GB18030 (BOM or not) */
            requestBody: {
                content: {
                    "application/octet-stream": string;
                };
            };
            responses: {
                /** @description Accepted */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Import"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ledger/imports/{import_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                import_id: number;
            };
            cookie?: never;
        };
        /** An import's state: columns and their fields, the checks' counts and first errors, progress. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    import_id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Import"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ledger/imports/{import_id}/mapping": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                import_id: number;
            };
            cookie?: never;
        };
        get?: never;
        /** Save the column → field mapping; every row is checked again with it (poll). */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    import_id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["MappingBody"];
                };
            };
            responses: {
                /** @description Accepted */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Import"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                409: components["responses"]["CONFLICT"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ledger/imports/{import_id}/commit": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                import_id: number;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Write the rows that pass into the register, as a background job (poll for its progress).
         * @description A commit whose process went away (nothing heard for 15 minutes; its transaction rolled back)
         *     may be started again.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    import_id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Accepted */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Import"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                409: components["responses"]["CONFLICT"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ledger/imports/{import_id}/rejected.xlsx": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                import_id: number;
            };
            cookie?: never;
        };
        /** The rows turned away, as in the file, with a reason column (未导入的行.xlsx). */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    import_id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The rows turned away */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": unknown;
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                409: components["responses"]["CONFLICT"];
                410: components["responses"]["GONE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ledger/imports/{import_id}/accounts.xlsx": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                import_id: number;
            };
            cookie?: never;
        };
        /**
         * The worker accounts an organisation import created, with their first passwords: one
         *     download, then the server forgets them (each worker must choose a new one at first login).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    import_id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description New accounts and first passwords */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": unknown;
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                410: components["responses"]["GONE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The campaigns of the caller's street, newest first. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CampaignList"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        /** Create a draft campaign in the caller's area (a community's or the street's). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CampaignCreate"];
                };
            };
            responses: {
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** How many households or residents a rule matches now in the caller's area (before launch). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Preview"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PreviewCount"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/proposals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The street's next 优抚 festival proposals (春节, 八一), with how many each would reach. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ProposalList"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/proposals/{key}/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Confirm a festival proposal: its campaign is created as a draft, ready to launch; once. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    key: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Proposal"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                409: components["responses"]["CONFLICT"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/proposals/{key}/dismiss": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Dismiss a festival proposal (no campaign this time); once. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    key: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Proposal"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                409: components["responses"]["CONFLICT"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaign_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                campaign_id: number;
            };
            cookie?: never;
        };
        /** One campaign, with its launch's progress. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    campaign_id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Edit a draft; after launch move the end, quota or close-out, or widen the rule (adds only). */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    campaign_id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CampaignEdit"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        trace?: never;
    };
    "/api/v1/campaigns/{campaign_id}/launch": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                campaign_id: number;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Write a target per match for its grid's worker; again: only new matches. Big ones run as a job. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    campaign_id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                /** @description A job writes the targets */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaign_id}/end": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                campaign_id: number;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End a running campaign now: it leaves the workers' phones, its board stays; audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    campaign_id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                409: components["responses"]["CONFLICT"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaign_id}/cancel-targets": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                campaign_id: number;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Take targets off a launched campaign, with a reason (the only way a target leaves). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    campaign_id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CancelTargets"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Cancelled"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaign_id}/board": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                campaign_id: number;
            };
            cookie?: never;
        };
        /** Per community, grid or worker: targets, done, attempted, overdue, today and 日结. */
        get: {
            parameters: {
                query?: {
                    group?: "community" | "grid" | "worker";
                };
                header?: never;
                path: {
                    campaign_id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Board"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaign_id}/targets": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                campaign_id: number;
            };
            cookie?: never;
        };
        /** Drill-down: the targets, in care-tier and building order, 500 a page (offset). */
        get: {
            parameters: {
                query?: {
                    community_id?: number;
                    grid_id?: number;
                    assignee_id?: number;
                    status?: "open" | "attempted" | "done" | "unreachable" | "cancelled";
                    offset?: number;
                };
                header?: never;
                path: {
                    campaign_id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TargetList"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaign_id}/roll-call": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                campaign_id: number;
            };
            cookie?: never;
        };
        /** The duty chief's board: 未叫应 per community and grid, the not reached in care-tier order. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    campaign_id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RollCall"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaign_id}/export.xlsx": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                campaign_id: number;
            };
            cookie?: never;
        };
        /** The campaign's targets in the caller's scope as an Excel workbook; audited. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    campaign_id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The workbook, as an attachment */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": unknown;
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/maps/boundaries/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Import grid or community boundaries from a GeoJSON file (checked, simplified past 2,000 vertices). */
        post: {
            parameters: {
                query?: {
                    /** @description whose boundaries the file holds; features name them in properties.code */
                    level?: "grid" | "community";
                    /** @description the file's CRS when it states none (absent: WGS-84, assumed and said) */
                    crs?: "wgs84" | "gcj02";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description A GeoJSON FeatureCollection file sent as is; each feature's properties.code names its grid (or community). All are stored, or none. */
            requestBody: {
                content: {
                    "application/geo+json": Record<string, never>;
                    "application/json": Record<string, never>;
                    "application/octet-stream": string;
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BoundaryImportAnswer"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/maps/grids/{grid_id}/boundary": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                grid_id: number;
            };
            cookie?: never;
        };
        /** A grid's boundary (404 when it has none yet). */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    grid_id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Boundary"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        /** Save a grid's boundary as drawn (vertices moved on the desk map). */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    grid_id: number;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["BoundaryEdit"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Boundary"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                409: components["responses"]["CONFLICT"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/maps/buildings/{building_id}/point": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                building_id: string;
            };
            cookie?: never;
        };
        get?: never;
        /** Set where a building stands (worker: GPS or a tap) or correct it (supervisor). */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    building_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["PointBody"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PointAnswer"];
                    };
                };
                400: components["responses"]["BAD_REQUEST"];
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                409: components["responses"]["CONFLICT"];
                413: components["responses"]["REQUEST_ENTITY_TOO_LARGE"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                415: components["responses"]["UNSUPPORTED_MEDIA_TYPE"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/maps/overview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** 一张图: grids with boundaries and visit coverage, and case points by light, in scope. */
        get: {
            parameters: {
                query?: {
                    /** @description one community (absent: every grid in scope) */
                    community_id?: number;
                    /** @description cases reported within */
                    days?: number;
                    state?: "open" | "closed" | "all";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Overview"];
                    };
                };
                401: components["responses"]["UNAUTHORIZED"];
                403: components["responses"]["FORBIDDEN"];
                404: components["responses"]["NOT_FOUND"];
                414: components["responses"]["REQUEST_URI_TOO_LONG"];
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ErrorDetail: {
            /** @description Stable, machine-readable: validation_failed */
            code: string;
            /** @description For people: zh-CN unless Accept-Language prefers English */
            message: string;
            /** @description illegal_transition: the actions the caller may take now */
            allowed?: string[];
            /** @description illegal_transition: the case's state */
            state?: string;
            /** @description already_reviewed: the submission's status */
            review_status?: string;
            /** @description conflict: different_content | stale_base_version */
            reason?: string;
            /** @description conflict: the record as the server holds it */
            server?: {
                [key: string]: unknown;
            };
            /** @description validation_failed: the messages per field name (lists, or nested per item) */
            fields?: {
                [key: string]: unknown;
            };
        };
        Error: {
            error: components["schemas"]["ErrorDetail"];
        };
        PaginationMetadata: {
            /** @description Total number of items. */
            total?: number;
            /** @description Total number of pages. */
            total_pages?: number;
            /** @description First available page number. */
            first_page?: number;
            /** @description Last available page number. */
            last_page?: number;
            /** @description Current page number. */
            page?: number;
            /** @description Previous page number. */
            previous_page?: number;
            /** @description Next page number. */
            next_page?: number;
        };
        ItemError: {
            code?: string;
            message?: string;
            fields?: {
                [key: string]: string[];
            };
        };
        PushResult: {
            /** @description The item's id as sent */
            id?: unknown;
            /** @enum {string} */
            status?: "accepted" | "duplicate" | "rejected" | "missing_photos" | "conflict" | "forbidden";
            /** @description accepted, duplicate: when the server stored it */
            received_at?: string;
            /** @description rejected, conflict, forbidden */
            error?: components["schemas"]["ItemError"];
            /** @description missing_photos: hashes to upload */
            missing?: string[];
            /** @description conflict: the stored side (form kinds: in the item's shape; household_upsert, resident_upsert: a pull change {entity, op, id, version, data}) */
            server?: {
                [key: string]: unknown;
            };
            /**
             * @description conflict: different_content | stale_base_version
             * @enum {string}
             */
            reason?: "different_content" | "stale_base_version";
            /** @description household_upsert, resident_upsert: household | resident */
            entity?: string;
            /** @description household_upsert, resident_upsert: the record's id */
            entity_id?: string;
            /** @description household_upsert, resident_upsert: the version now stored (the next base_version) */
            version?: number;
            /** @description hazard_report, city_case: the case the report opened */
            case_id?: string;
            /** @description hazard_report, city_case: the case's state */
            case_state?: string;
        };
        Change: {
            entity?: string;
            /** @enum {string} */
            op?: "upsert" | "delete";
            id?: unknown;
            version?: unknown;
            data?: {
                [key: string]: unknown;
            } | null;
        };
        Health: {
            /** @enum {string} */
            status: "ok" | "degraded";
            /** @enum {string} */
            db: "ok" | "unreachable";
            /**
             * @description not_configured: no REDIS_URL (the default install)
             * @enum {string}
             */
            redis: "ok" | "unreachable" | "not_configured";
            /** @enum {string} */
            photo_storage: "ok" | "unreachable";
            version: string;
        };
        Login: {
            username: string;
            password: string;
            /** @default true */
            remember: boolean;
        };
        Ref: {
            id?: number;
            name?: string;
        };
        GridRef: {
            id?: number;
            code?: string;
            name?: string;
            community_id?: number;
        };
        User: {
            readonly id?: number;
            username?: string;
            display_name?: string;
            phone?: string | null;
            role?: string;
            active?: boolean;
            street_wide?: boolean;
            street?: (Record<string, never> | null) | components["schemas"]["Ref"];
            district?: (Record<string, never> | null) | components["schemas"]["Ref"];
            community?: (Record<string, never> | null) | components["schemas"]["Ref"];
            department?: (Record<string, never> | null) | components["schemas"]["Ref"];
            grids?: components["schemas"]["GridRef"][];
            /** Format: date-time */
            created_at?: string;
            /** Format: date-time */
            last_login_at?: string | null;
            must_change_password?: boolean;
        };
        Session: {
            user?: components["schemas"]["User"];
            csrf_token?: string;
        };
        PasswordChange: {
            current_password: string;
            /** @description 10–128 characters, not a common password (in any case) */
            new_password: string;
        };
        UserListItem: {
            readonly id?: number;
            username?: string;
            display_name?: string;
            readonly phone?: unknown;
            role?: string;
            active?: boolean;
            street_wide?: boolean;
            street?: (Record<string, never> | null) | components["schemas"]["Ref"];
            district?: (Record<string, never> | null) | components["schemas"]["Ref"];
            community?: (Record<string, never> | null) | components["schemas"]["Ref"];
            department?: (Record<string, never> | null) | components["schemas"]["Ref"];
            grids?: components["schemas"]["GridRef"][];
            /** Format: date-time */
            created_at?: string;
            /** Format: date-time */
            last_login_at?: string | null;
            must_change_password?: boolean;
        };
        UserList: {
            users?: components["schemas"]["UserListItem"][];
        };
        UserCreate: {
            username: string;
            display_name: string;
            /** @description 10–128 characters, not a common password (in any case) */
            password: string;
            phone?: string | null;
            /** @enum {string} */
            role: "worker" | "supervisor" | "handler" | "admin";
            community_id?: number | null;
            /** @default false */
            street_wide: boolean;
            department_id?: number | null;
            grid_ids?: number[];
            street_id?: number | null;
            district_id?: number | null;
        };
        UserUpdate: {
            display_name?: string;
            /** @description 10–128 characters, not a common password (in any case) */
            password?: string;
            phone?: string | null;
            /** @enum {string} */
            role?: "worker" | "supervisor" | "handler" | "admin";
            community_id?: number | null;
            street_wide?: boolean;
            department_id?: number | null;
            grid_ids?: number[];
            street_id?: number | null;
            district_id?: number | null;
            active?: boolean;
        };
        Street: {
            id?: number;
            code?: string;
            name?: string;
        };
        Grid: {
            id?: number;
            code?: string;
            name?: string;
            community_id?: number;
        };
        Community: {
            id?: number;
            street_id?: number;
            code?: string;
            name?: string;
            grids?: components["schemas"]["Grid"][];
        };
        Department: {
            id?: number;
            name?: string;
            kind?: string;
        };
        OrgTree: {
            street?: (Record<string, never> | null) | components["schemas"]["Street"];
            streets?: components["schemas"]["Street"][];
            communities?: components["schemas"]["Community"][];
            departments?: components["schemas"]["Department"][];
        };
        FormTemplate: {
            key?: string;
            version?: number;
            kind?: string;
            readonly title?: unknown;
            fields?: {
                [key: string]: unknown;
            }[];
            active?: boolean;
            /** Format: date-time */
            created_at?: string;
        };
        FormTemplateList: {
            forms?: components["schemas"]["FormTemplate"][];
        };
        Label: {
            zh: string;
            en: string;
        };
        Choice: {
            value: string;
            label: components["schemas"]["Label"];
        };
        Condition: {
            field: string;
            equals?: unknown;
            in?: unknown[];
        };
        FieldSpec: {
            name: string;
            type: string;
            label: components["schemas"]["Label"];
            hint?: components["schemas"]["Label"];
            /** @default false */
            required: boolean;
            min?: unknown;
            max?: unknown;
            integer?: boolean;
            choices?: components["schemas"]["Choice"][];
            show_if?: components["schemas"]["Condition"];
        };
        TemplateCreate: {
            key: string;
            version?: number;
            kind: string;
            title: components["schemas"]["Label"];
            fields: components["schemas"]["FieldSpec"][];
        };
        Photo: {
            sha256?: string;
            content_type?: string;
            bytes?: number;
            width?: number;
            height?: number;
            /** Format: date-time */
            created_at?: string;
        };
        Push: {
            device_id: string;
            app_version?: string | null;
            items: unknown[];
        };
        PushAnswer: {
            /** @description One PushResult per item, in order */
            results?: {
                [key: string]: unknown;
            }[];
            /** Format: date-time */
            server_time?: string;
        };
        PullAnswer: {
            /** @description Change entries (see Change) */
            changes?: {
                [key: string]: unknown;
            }[];
            cursor?: string;
            has_more?: boolean;
        };
        ImportPhotoResult: {
            sha256?: string | null;
            /** @enum {string} */
            status?: "stored" | "already_stored" | "rejected";
            error?: components["schemas"]["ItemError"];
        };
        ImportAnswer: {
            owner?: string;
            device_id?: string;
            /** @description One PushResult per item, in order */
            results?: {
                [key: string]: unknown;
            }[];
            photos?: components["schemas"]["ImportPhotoResult"][];
            /** Format: date-time */
            server_time?: string;
        };
        Household: {
            id?: string;
            building_id?: string;
            grid_id?: number;
            unit?: string;
            room?: string;
            address?: string;
            /** @enum {string} */
            housing_type?: "own" | "rent" | "group_rental";
            head_name?: string;
            /** @description 138****5678; the full number: GET .../phone */
            phone_masked?: string;
            notes?: string;
            version?: number;
            updated_at?: string;
        };
        HouseholdPage: {
            households: components["schemas"]["Household"][];
            total: number;
            page: number;
            per_page: number;
        };
        BuildingPoint: {
            lat: number;
            lng: number;
            /** @description metres; absent for a tap */
            accuracy?: number;
            /** @enum {string} */
            source?: "gps" | "tap" | "supervisor";
            /** @description accuracy worse than 100 m: never used for hints */
            imprecise?: boolean;
        };
        Building: {
            id?: string;
            grid_id?: number;
            name?: string;
            address?: string;
            version?: number;
            point?: components["schemas"]["BuildingPoint"];
        };
        Resident: {
            id?: string;
            household_id?: string;
            grid_id?: number;
            name?: string;
            /** @enum {string} */
            gender?: "male" | "female";
            birth_date?: string;
            age?: number;
            /** @description 3601**********1234; full: GET .../identity */
            id_number_masked?: string;
            phone_masked?: string;
            relation?: string;
            /** @description absent = present (在住) */
            status?: string;
            /** @description absent = none */
            tags?: string[];
            /** @description high | key | general; absent = none */
            care_tier?: string;
            care_tier_override?: string;
            care_tier_reason?: string;
            last_visit_at?: string;
            last_contact_method?: string;
            /** @description ISO date (Asia/Shanghai) */
            next_visit_due?: string;
            /** @enum {string} */
            visit_flag?: "not_reached_twice";
            /** @description A major change not yet followed by a visit */
            major_change_at?: string;
            not_reached_streak?: number;
            version?: number;
        };
        HouseholdDetail: {
            id?: string;
            building_id?: string;
            grid_id?: number;
            unit?: string;
            room?: string;
            address?: string;
            /** @enum {string} */
            housing_type?: "own" | "rent" | "group_rental";
            head_name?: string;
            /** @description 138****5678; the full number: GET .../phone */
            phone_masked?: string;
            notes?: string;
            version?: number;
            updated_at?: string;
            building?: components["schemas"]["Building"];
            residents?: components["schemas"]["Resident"][];
        };
        EditBody: {
            [key: string]: unknown;
        };
        HouseholdPhone: {
            id?: string;
            phone?: string | null;
        };
        BuildingList: {
            buildings?: components["schemas"]["Building"][];
        };
        Identity: {
            id?: string;
            id_number?: string | null;
            phone?: string | null;
        };
        FlagGrid: {
            id?: number;
            code?: string;
            name?: string;
        };
        FlaggedResident: {
            id?: string;
            household_id?: string;
            grid_id?: number;
            name?: string;
            /** @enum {string} */
            gender?: "male" | "female";
            birth_date?: string;
            age?: number;
            /** @description 3601**********1234; full: GET .../identity */
            id_number_masked?: string;
            phone_masked?: string;
            relation?: string;
            /** @description absent = present (在住) */
            status?: string;
            /** @description absent = none */
            tags?: string[];
            /** @description high | key | general; absent = none */
            care_tier?: string;
            care_tier_override?: string;
            care_tier_reason?: string;
            last_visit_at?: string;
            last_contact_method?: string;
            /** @description ISO date (Asia/Shanghai) */
            next_visit_due?: string;
            /** @enum {string} */
            visit_flag?: "not_reached_twice";
            /** @description A major change not yet followed by a visit */
            major_change_at?: string;
            not_reached_streak?: number;
            version?: number;
            grid?: components["schemas"]["FlagGrid"];
            /** @description The household's address, else its building's with the door */
            household_address?: string;
            household_phone_masked?: string | null;
            /** @description When the last two not-reached attempts were made, newest first */
            attempts?: string[];
        };
        FlagList: {
            residents?: components["schemas"]["FlaggedResident"][];
        };
        DueResident: {
            id?: string;
            household_id?: string;
            grid_id?: number;
            name?: string;
            /** @enum {string} */
            gender?: "male" | "female";
            birth_date?: string;
            age?: number;
            /** @description 3601**********1234; full: GET .../identity */
            id_number_masked?: string;
            phone_masked?: string;
            relation?: string;
            /** @description absent = present (在住) */
            status?: string;
            /** @description absent = none */
            tags?: string[];
            /** @description high | key | general; absent = none */
            care_tier?: string;
            care_tier_override?: string;
            care_tier_reason?: string;
            last_visit_at?: string;
            last_contact_method?: string;
            /** @description ISO date (Asia/Shanghai) */
            next_visit_due?: string;
            /** @enum {string} */
            visit_flag?: "not_reached_twice";
            /** @description A major change not yet followed by a visit */
            major_change_at?: string;
            not_reached_streak?: number;
            version?: number;
            /** @description A pending major change: overdue from this instant (24 h after it) */
            follow_up_due_at?: string | null;
        };
        DueLists: {
            /**
             * Format: date-time
             * @description The instant the lists hold for
             */
            now?: string;
            /** @description 今日到期 */
            today?: components["schemas"]["DueResident"][];
            /** @description 已逾期 */
            overdue?: components["schemas"]["DueResident"][];
        };
        GridRate: {
            grid_id?: number;
            grid_code?: string;
            grid_name?: string;
            /** @description Residents due at least once in the month */
            due?: number;
            /** @description Of them, visited (home, phone or video) in the month */
            visited?: number;
            /** @description visited / due; null when none was due */
            rate?: number | null;
        };
        TotalRate: {
            due?: number;
            visited?: number;
            rate?: number | null;
        };
        VisitRate: {
            month?: string;
            definition?: string;
            grids?: components["schemas"]["GridRate"][];
            total?: components["schemas"]["TotalRate"];
        };
        MajorChange: {
            /** @default null */
            note: string | null;
        };
        TemplateRef: {
            key?: string;
            version?: number;
        };
        MySubmission: {
            id?: string;
            kind?: string;
            template?: components["schemas"]["TemplateRef"];
            grid_id?: number;
            household_id?: string;
            resident_id?: string;
            created_at?: string;
            received_at?: string;
            /** @enum {string} */
            review_status?: "received" | "returned" | "accepted" | "rejected" | "resubmitted";
            /** @description The supervisor's words when returned */
            review_comment?: string;
            /** @description hazard_report, city_case: the case it opened */
            case_id?: string;
            /** @description reported, filed, returned, ... closed */
            case_state?: string;
            /** @description The returned submission this one replaces */
            resubmits?: string;
            /** @description The task this submission completes */
            task_id?: string;
            version?: number;
        };
        MinePage: {
            submissions: components["schemas"]["MySubmission"][];
            total: number;
            /** @description The page number asked for; absent when paging by cursor */
            page?: number;
            per_page: number;
            /** @description Pass as `cursor` for the next (older) page; null on the last page */
            next_cursor: string | null;
        };
        CoverageGrid: {
            id: number;
            code: string;
            name: string;
        };
        CoverageWelfare: {
            due: number;
            visited: number;
            rate?: number | null;
        };
        CoverageProof: {
            /** @description Records with a location attached */
            with_location: number;
            median_accuracy_m?: number | null;
            photos: number;
            /** @description Median minutes from the phone's time to the server's receipt */
            median_sync_minutes?: number | null;
            /** @description Records dated more than 10 minutes after they arrived */
            clock_ahead: number;
        };
        CoverageWorker: {
            user_id: number;
            name: string;
            grids: components["schemas"]["CoverageGrid"][];
            households: number;
            households_visited: number;
            /** @description households_visited / households */
            coverage?: number | null;
            records: number;
            days_active: number;
            /** @description records / days of the month so far */
            per_day?: number | null;
            welfare: components["schemas"]["CoverageWelfare"];
            proof: components["schemas"]["CoverageProof"];
        };
        Coverage: {
            month: string;
            /** @description Days of the month so far */
            days: number;
            workers: components["schemas"]["CoverageWorker"][];
            definitions: {
                [key: string]: string;
            };
        };
        QueueSubmission: {
            id: string;
            kind: string;
            template: components["schemas"]["TemplateRef"];
            grid_id?: number;
            household_id?: string;
            resident_id?: string;
            created_at?: string;
            received_at?: string;
            /** @enum {string} */
            review_status: "received" | "returned" | "accepted" | "rejected" | "resubmitted";
            review_comment?: string | null;
            /** @description The returned submission this one replaces */
            resubmits?: string;
            task_id?: string;
            /** @description hazard_report, city_case: the case it opened */
            case_id?: string;
            case_state?: string;
            version: number;
            author_id: number;
            answers: {
                [key: string]: unknown;
            } | null;
        };
        QueuePage: {
            submissions: components["schemas"]["QueueSubmission"][];
            total: number;
            page: number;
            per_page: number;
        };
        SubmissionDetail: {
            id: string;
            kind: string;
            template: components["schemas"]["TemplateRef"];
            grid_id?: number;
            household_id?: string;
            resident_id?: string;
            created_at?: string;
            received_at?: string;
            /** @enum {string} */
            review_status: "received" | "returned" | "accepted" | "rejected" | "resubmitted";
            review_comment?: string | null;
            /** @description The returned submission this one replaces */
            resubmits?: string;
            task_id?: string;
            /** @description hazard_report, city_case: the case it opened */
            case_id?: string;
            case_state?: string;
            version: number;
            answers: {
                [key: string]: unknown;
            } | null;
            photos: string[];
            location: {
                [key: string]: unknown;
            } | null;
            /** @description hazard_report, city_case */
            building_id?: string | null;
            /** @description hazard_report, city_case */
            address?: string | null;
        };
        Review: {
            /** @enum {string} */
            action: "approve" | "return" | "reject";
            /** @description Required for return and reject: the worker reads it in 我的上报 */
            comment?: string | null;
        };
        SubmissionState: {
            id: string;
            kind: string;
            template: components["schemas"]["TemplateRef"];
            grid_id?: number;
            household_id?: string;
            resident_id?: string;
            created_at?: string;
            received_at?: string;
            /** @enum {string} */
            review_status: "received" | "returned" | "accepted" | "rejected" | "resubmitted";
            review_comment?: string | null;
            /** @description The returned submission this one replaces */
            resubmits?: string;
            task_id?: string;
            /** @description hazard_report, city_case: the case it opened */
            case_id?: string;
            case_state?: string;
            version: number;
        };
        AuditEntry: {
            id?: number;
            /** Format: date-time */
            at?: string;
            actor_id?: number | null;
            /** @description The actor's username */
            actor?: string | null;
            action?: string;
            target_type?: string | null;
            target_id?: string | null;
            detail?: {
                [key: string]: unknown;
            } | null;
            ip?: string | null;
        };
        AuditPage: {
            entries: components["schemas"]["AuditEntry"][];
            total: number;
            page: number;
            per_page: number;
        };
        PublicKey: {
            /** @description base64url applicationServerKey */
            public_key?: string;
        };
        Keys: {
            p256dh: string;
            auth: string;
        };
        SubscriptionIn: {
            endpoint: string;
            keys: components["schemas"]["Keys"];
        };
        Subscription: {
            id?: number;
            endpoint?: string;
            /** Format: date-time */
            created_at?: string;
            /** Format: date-time */
            last_success_at?: string | null;
        };
        Unsubscribe: {
            endpoint: string;
        };
        ExportRequest: {
            /** @description The export route under /api/v1, e.g. /cases/export.xlsx */
            path: string;
            /** @description The export's filters, as its screen sends them (each value as text) */
            query?: {
                [key: string]: string;
            };
        };
        ExportError: {
            status?: number;
            code?: string;
            message?: string;
        };
        ExportJob: {
            id: string;
            path: string;
            query: {
                [key: string]: string;
            };
            /** @description queued | running | done | failed */
            state: string;
            created_at: string;
            finished_at?: string | null;
            size_bytes?: number | null;
            file_name?: string | null;
            /** @description The file's link, once done */
            download?: string | null;
            /** @description Why it failed: the export's own answer */
            error?: components["schemas"]["ExportError"] | (Record<string, never> | null);
        };
        Clock: {
            deadline: string;
            /** @description Working minutes */
            limit_minutes: number;
            elapsed_minutes: number;
            /** @enum {string} */
            light: "green" | "yellow" | "red";
            running: boolean;
        };
        Clocks: {
            /** @description dispatch → handled */
            handle?: components["schemas"]["Clock"];
            /** @description filed → closed */
            case?: components["schemas"]["Clock"];
        };
        Case: {
            id: string;
            kind: string;
            category: string;
            subcategory: string | null;
            severity: string | null;
            urgent: boolean | null;
            state: string;
            description: string | null;
            address: string | null;
            location: {
                [key: string]: unknown;
            } | null;
            grid_id: number | null;
            building_id: string | null;
            household_id: string | null;
            reporter_id: number | null;
            submission_id: string | null;
            department_id: number | null;
            assignee_id: number | null;
            reported_at: string | null;
            filed_at: string | null;
            dispatched_at: string | null;
            handled_at: string | null;
            closed_at: string | null;
            merged_into_id: string | null;
            /** @description the open case its reporter said it repeats (a merge suggestion) */
            suggested_merge_into_id?: string | null;
            /** @description Before photos */
            photos: string[];
            /** @description The last handling's */
            after_photos: string[];
            /** @description The last check's */
            check_photos: string[];
            clocks: components["schemas"]["Clocks"];
            overdue: boolean;
            version: number;
            /** @description What the caller may do now */
            allowed_actions?: string[];
        };
        CasePage: {
            cases: components["schemas"]["Case"][];
            total: number;
            page: number;
            per_page: number;
        };
        CaseEvent: {
            id: number;
            action: string;
            from: string | null;
            to: string;
            actor_id: number | null;
            comment: string | null;
            photos: string[];
            department_id: number | null;
            assignee_id: number | null;
            deadline: string | null;
            at: string;
            /** @description report, resubmit: the submission this version of the report came in as */
            submission_id?: string;
            /** @description report, resubmit: that version's answers */
            answers?: {
                [key: string]: unknown;
            };
        };
        CaseDetail: {
            id: string;
            kind: string;
            category: string;
            subcategory: string | null;
            severity: string | null;
            urgent: boolean | null;
            state: string;
            description: string | null;
            address: string | null;
            location: {
                [key: string]: unknown;
            } | null;
            grid_id: number | null;
            building_id: string | null;
            household_id: string | null;
            reporter_id: number | null;
            submission_id: string | null;
            department_id: number | null;
            assignee_id: number | null;
            reported_at: string | null;
            filed_at: string | null;
            dispatched_at: string | null;
            handled_at: string | null;
            closed_at: string | null;
            merged_into_id: string | null;
            /** @description the open case its reporter said it repeats (a merge suggestion) */
            suggested_merge_into_id?: string | null;
            /** @description Before photos */
            photos: string[];
            /** @description The last handling's */
            after_photos: string[];
            /** @description The last check's */
            check_photos: string[];
            clocks: components["schemas"]["Clocks"];
            overdue: boolean;
            version: number;
            /** @description What the caller may do now */
            allowed_actions?: string[];
            events: components["schemas"]["CaseEvent"][];
        };
        CaseAction: {
            /** @enum {string} */
            action: "file" | "return" | "void" | "merge" | "dispatch" | "handle" | "check" | "rework" | "close";
            /** @description Required for return */
            comment?: string | null;
            /** @description void: why (作废原因) */
            reason?: string | null;
            /** @description SHA-256 of uploaded photos; handle and check need at least one */
            photos?: string[] | null;
            /**
             * Format: uuid
             * @description merge: the case kept
             */
            into_case_id?: string | null;
            /** @description dispatch, rework */
            department_id?: number | null;
            /** @description dispatch, rework */
            assignee_id?: number | null;
            /**
             * Format: date-time
             * @description dispatch, rework: overrides the category's limit
             */
            deadline?: string | null;
        };
        SimilarCase: {
            id: string;
            kind: string;
            category: string;
            subcategory: string | null;
            severity: string | null;
            urgent: boolean | null;
            state: string;
            description: string | null;
            address: string | null;
            location: {
                [key: string]: unknown;
            } | null;
            grid_id: number | null;
            building_id: string | null;
            household_id: string | null;
            reporter_id: number | null;
            submission_id: string | null;
            department_id: number | null;
            assignee_id: number | null;
            reported_at: string | null;
            filed_at: string | null;
            dispatched_at: string | null;
            handled_at: string | null;
            closed_at: string | null;
            merged_into_id: string | null;
            /** @description the open case its reporter said it repeats (a merge suggestion) */
            suggested_merge_into_id?: string | null;
            /** @description Before photos */
            photos: string[];
            /** @description The last handling's */
            after_photos: string[];
            /** @description The last check's */
            check_photos: string[];
            clocks: components["schemas"]["Clocks"];
            overdue: boolean;
            version: number;
            /** @description What the caller may do now */
            allowed_actions?: string[];
            distance_m: number | null;
            same_building: boolean;
        };
        SimilarList: {
            cases: components["schemas"]["SimilarCase"][];
        };
        CategoryLabel: {
            zh: string;
            en: string;
        };
        Limit: {
            value: number;
            /** @enum {string} */
            unit: "working_hours" | "working_days";
        };
        TimeLimit: {
            code: string;
            label: components["schemas"]["CategoryLabel"];
            default: components["schemas"]["Limit"];
            /** @description The limit in force */
            time_limit: components["schemas"]["Limit"];
            edited: boolean;
        };
        TimeLimits: {
            time_limits: components["schemas"]["TimeLimit"][];
            /** @description The whole-case limit is this many times the handling limit */
            case_limit_factor: number;
        };
        TimeLimitsBody: {
            time_limits: {
                code: string;
                value?: number | null;
                /** @enum {string} */
                unit?: "working_hours" | "working_days";
            }[];
        };
        TaskCreate: {
            /** @enum {string} */
            kind: "visit_household" | "welfare_visit" | "reinspect_hazard" | "check_case";
            /**
             * Format: uuid
             * @description visit_household
             */
            household_id?: string | null;
            /**
             * Format: uuid
             * @description welfare_visit
             */
            resident_id?: string | null;
            /**
             * Format: uuid
             * @description reinspect_hazard, check_case
             */
            case_id?: string | null;
            /** @description A worker covering the grid */
            assignee_id: number;
            /**
             * Format: date-time
             * @description In the future, with an offset
             */
            due_at: string;
            note?: string | null;
        };
        Task: {
            id: string;
            /** @enum {string} */
            kind: "visit_household" | "welfare_visit" | "reinspect_hazard" | "check_case";
            title: string;
            grid_id: number;
            household_id: string | null;
            resident_id: string | null;
            case_id: string | null;
            assignee_id: number;
            due_at: string;
            status: string;
            overdue: boolean;
            /** @description The completing one */
            submission_id: string | null;
            note: string | null;
            created_by: number | null;
            created_at: string | null;
            completed_at: string | null;
            version: number;
        };
        TaskList: {
            /** @description At most 500 */
            tasks: components["schemas"]["Task"][];
        };
        TaskUpdate: {
            assignee_id?: number;
            /** Format: date-time */
            due_at?: string;
            /** @enum {string} */
            status?: "open" | "cancelled";
        };
        Definition: {
            zh: string;
            en: string;
        };
        Figure: {
            numerator: number;
            denominator: number;
            /** @description null when the denominator is 0 */
            rate: number | null;
            definition: components["schemas"]["Definition"];
            numerator_case_ids: string[];
            denominator_case_ids: string[];
        };
        Figures: {
            on_time_handling_rate: components["schemas"]["Figure"];
            closing_rate: components["schemas"]["Figure"];
            on_time_closing_rate: components["schemas"]["Figure"];
            rework_rate: components["schemas"]["Figure"];
            valid_report_rate: components["schemas"]["Figure"];
            rectification_rate: components["schemas"]["Figure"];
        };
        VisitFigure: {
            numerator: number;
            denominator: number;
            /** @description null when the denominator is 0 */
            rate: number | null;
            definition: components["schemas"]["Definition"];
        };
        Breakdown: {
            id: number;
            code: string;
            name: string;
            figures: components["schemas"]["Figures"];
            visit_rate: components["schemas"]["VisitFigure"];
        };
        MonthKpis: {
            month: string;
            /** @description null: the whole street */
            grid_ids: number[] | null;
            figures: components["schemas"]["Figures"];
            visit_rate: components["schemas"]["VisitFigure"];
            /** @enum {string} */
            by?: "street" | "community" | "grid";
            breakdown?: components["schemas"]["Breakdown"][];
        };
        TrendFigure: {
            numerator: number;
            denominator: number;
            /** @description null when the denominator is 0 */
            rate: number | null;
        };
        TrendFigures: {
            on_time_handling_rate: components["schemas"]["TrendFigure"];
            closing_rate: components["schemas"]["TrendFigure"];
            on_time_closing_rate: components["schemas"]["TrendFigure"];
            rework_rate: components["schemas"]["TrendFigure"];
            valid_report_rate: components["schemas"]["TrendFigure"];
            rectification_rate: components["schemas"]["TrendFigure"];
        };
        TrendMonth: {
            month: string;
            figures: components["schemas"]["TrendFigures"];
        };
        Trend: {
            /** @description Oldest first */
            months: components["schemas"]["TrendMonth"][];
        };
        Column: {
            index: number;
            header: string;
            field: string | null;
            samples: string[];
        };
        Field: {
            code: string;
            label: string;
            required: boolean;
        };
        FirstError: {
            row: number;
            value: string;
            message: string;
        };
        ColumnReport: {
            field: string;
            label: string;
            errors: number;
            first: components["schemas"]["FirstError"][];
        };
        EntityCounts: {
            created: number;
            updated: number;
            unchanged: number;
        };
        Report: {
            /** @description Data rows (empty rows skipped) */
            rows: number;
            valid: number;
            rejected: number;
            /** @description Valid rows whose ID number is registered */
            residents_existing?: number;
            households?: number;
            households_existing?: number;
            mapping_errors: string[];
            columns: components["schemas"]["ColumnReport"][];
            /** @description organisation: the counts below are what a commit would write */
            kind?: string;
            communities?: components["schemas"]["EntityCounts"];
            grids?: components["schemas"]["EntityCounts"];
            workers?: components["schemas"]["EntityCounts"];
        };
        Progress: {
            done: number;
            total: number;
        };
        Import: {
            id: number;
            /** @enum {string} */
            kind: "register" | "organisation";
            /** @enum {string} */
            state: "analysing" | "ready" | "committing" | "committed" | "failed";
            file_name: string;
            /** @enum {string} */
            file_format: "xlsx" | "csv";
            file_sha256: string;
            size_bytes: number;
            header_row: number | null;
            columns: components["schemas"]["Column"][];
            fields: components["schemas"]["Field"][];
            report: (Record<string, never> | null) | components["schemas"]["Report"];
            /** @description What the commit wrote */
            counts: {
                [key: string]: unknown;
            } | null;
            progress: (Record<string, never> | null) | components["schemas"]["Progress"];
            /** @description A commit nothing was heard of for 15 minutes: it may be started again */
            stalled: boolean;
            /** @description New worker accounts' first passwords wait for their one download (accounts.xlsx) */
            first_passwords: boolean;
            error: string | null;
            created_at: string;
            committed_at: string | null;
        };
        MappingBody: {
            /** @description Column index → field code, or null to leave the column out */
            mapping: {
                [key: string]: string | null;
            };
        };
        CampaignTemplate: {
            key: string;
            version: number;
        };
        CampaignCreate: {
            name: string;
            template: components["schemas"]["CampaignTemplate"];
            /** @description {subject: household|resident, community_ids, grid_ids, building_ids, housing_types, tags, care_tiers, ids}: filters ANDed, values ORed, inside the campaign's area */
            rule: {
                [key: string]: unknown;
            };
            /** @enum {string} */
            mode?: "normal" | "roll_call";
            /** @description roll_call */
            deadline_hours?: number | null;
            /** Format: date-time */
            starts_at: string;
            /** Format: date-time */
            ends_at: string;
            /** @description 日结 HH:MM, Shanghai */
            close_out_time?: string;
            daily_quota?: number | null;
        };
        Campaign: {
            id: number;
            name: string;
            street_id: number;
            community_id: number | null;
            template: {
                [key: string]: unknown;
            };
            form_kind: string;
            rule: {
                [key: string]: unknown;
            };
            mode: string;
            deadline_hours: number | null;
            starts_at: string;
            ends_at: string;
            due_at: string;
            close_out_time: string;
            daily_quota: number | null;
            status: string;
            /** @description {total, done}: the launch's progress */
            launch: {
                [key: string]: unknown;
            };
            launched_at: string | null;
            created_by: number;
            created_at: string;
            version: number;
            /** @description Targets an edit or a launch added */
            added?: number;
        };
        CampaignList: {
            campaigns: components["schemas"]["Campaign"][];
        };
        Preview: {
            /** @description {subject: household|resident, community_ids, grid_ids, building_ids, housing_types, tags, care_tiers, ids}: filters ANDed, values ORed, inside the campaign's area */
            rule: {
                [key: string]: unknown;
            };
        };
        PreviewCount: {
            /** @description Who the rule matches now, in the caller's area */
            count: number;
        };
        Proposal: {
            /** @description festival-date, e.g. spring_festival-2027-02-06 */
            key: string;
            /** @enum {string} */
            festival: "spring_festival" | "army_day";
            festival_name: string;
            /** Format: date */
            date: string;
            name: string;
            rule: {
                [key: string]: unknown;
            };
            template: {
                [key: string]: unknown;
            } | null;
            starts_at: string;
            ends_at: string;
            close_out_time: string;
            /** @description 优抚对象 it would reach now */
            count: number;
            /** @enum {string} */
            status: "proposed" | "confirmed" | "dismissed";
            campaign_id: number | null;
            /** @description The draft a confirm made */
            campaign?: components["schemas"]["Campaign"] | (Record<string, never> | null);
        };
        ProposalList: {
            proposals: components["schemas"]["Proposal"][];
        };
        CampaignEdit: {
            name?: string;
            template?: components["schemas"]["CampaignTemplate"];
            /** @description {subject: household|resident, community_ids, grid_ids, building_ids, housing_types, tags, care_tiers, ids}: filters ANDed, values ORed, inside the campaign's area */
            rule?: {
                [key: string]: unknown;
            };
            /** @enum {string} */
            mode?: "normal" | "roll_call";
            deadline_hours?: number | null;
            /** Format: date-time */
            starts_at?: string;
            /** Format: date-time */
            ends_at?: string;
            close_out_time?: string;
            daily_quota?: number | null;
        };
        CancelTargets: {
            target_ids: string[];
            reason: string;
        };
        Cancelled: {
            cancelled: number;
        };
        BoardRow: {
            key: number | null;
            name: string;
            targets: number;
            done: number;
            attempted: number;
            unreachable: number;
            open: number;
            overdue: number;
            today: number;
            quota: number | null;
            /** @enum {string} */
            close_out: "met" | "pending" | "missed";
        };
        Board: {
            campaign: components["schemas"]["Campaign"];
            group: string;
            rows: components["schemas"]["BoardRow"][];
        };
        Target: {
            id: string;
            campaign_id: number;
            household_id: string;
            resident_id?: string;
            building_id?: string;
            grid_id: number;
            assignee_id?: number;
            care_tier: string;
            status: string;
            attempts: number;
            last_outcome?: string;
            last_reason?: string;
            retry_on?: string;
            answer?: string;
            answered_at?: string;
            closed_at?: string;
            follow_ups: number;
            version: number;
            address?: string | null;
            name?: string | null;
            grid_name?: string | null;
            status_words?: string;
            answer_words?: string | null;
        };
        TargetList: {
            /** @description 500 a page */
            targets: components["schemas"]["Target"][];
            total: number;
        };
        RollCallCount: {
            name?: string | null;
            community_id: number;
            grid_id?: number;
            targets: number;
            /** @description 未叫应 */
            unanswered: number;
            reached: number;
            no_answer: number;
            relocate: number;
            assist: number;
        };
        RollCall: {
            campaign: components["schemas"]["Campaign"];
            communities: components["schemas"]["RollCallCount"][];
            grids: components["schemas"]["RollCallCount"][];
            not_reached: components["schemas"]["Target"][];
            server_time: string;
        };
        BoundaryImported: {
            id?: number;
            code?: string;
            vertices?: number;
            vertices_before?: number;
            simplified?: boolean;
            version?: number;
        };
        BoundaryImportAnswer: {
            level?: string;
            /** @description the CRS the coordinates were read in */
            crs?: string;
            /** @description the file stated none and none was chosen: WGS-84 */
            crs_assumed?: boolean;
            /** @description Douglas–Peucker tolerance past 2,000 vertices */
            simplify_tolerance_m?: number;
            imported?: components["schemas"]["BoundaryImported"][];
        };
        Boundary: {
            grid_id?: number;
            /** @description GeoJSON Polygon or MultiPolygon, WGS-84 [lng, lat] */
            geometry?: {
                [key: string]: unknown;
            };
            vertices?: number;
            version?: number;
        };
        BoundaryEdit: {
            /** @description GeoJSON Polygon or MultiPolygon, WGS-84 [lng, lat] */
            geometry: {
                [key: string]: unknown;
            };
            /** @description the version the edit started from (409 stale when it moved on) */
            base_version?: number;
        };
        PointBody: {
            lat: number;
            lng: number;
            /** @description metres (GPS) */
            accuracy?: number | null;
            /**
             * @default gps
             * @enum {string}
             */
            source: "gps" | "tap";
            /**
             * @description keep a point outside the grid (after the 409 outside_grid)
             * @default false
             */
            confirm: boolean;
        };
        PointAnswer: {
            building?: components["schemas"]["Building"];
            outside_grid?: boolean;
            imprecise?: boolean;
        };
        OverviewGrid: {
            id?: number;
            code?: string;
            name?: string;
            community_id?: number;
            /** @description GeoJSON Polygon or MultiPolygon, WGS-84 [lng, lat] */
            geometry?: {
                [key: string]: unknown;
            } | null;
            visits_due?: number;
            visited?: number;
            /** @description this month's visit rate, 0–1 */
            coverage?: number | null;
        };
        OverviewCase: {
            id?: string;
            lat?: number;
            lng?: number;
            category?: string;
            kind?: string;
            state?: string;
            grid_id?: number;
            /** @enum {string} */
            light?: "green" | "yellow" | "red" | "none";
        };
        Overview: {
            grids?: components["schemas"]["OverviewGrid"][];
            cases?: components["schemas"]["OverviewCase"][];
        };
    };
    responses: {
        /** @description Default error response */
        DEFAULT_ERROR: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Request-URI Too Long */
        REQUEST_URI_TOO_LONG: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Unprocessable Entity */
        UNPROCESSABLE_ENTITY: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Too Many Requests */
        TOO_MANY_REQUESTS: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Unauthorized */
        UNAUTHORIZED: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Bad Request */
        BAD_REQUEST: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Request Entity Too Large */
        REQUEST_ENTITY_TOO_LARGE: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Unsupported Media Type */
        UNSUPPORTED_MEDIA_TYPE: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Forbidden */
        FORBIDDEN: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Not Found */
        NOT_FOUND: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Conflict */
        CONFLICT: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Service Unavailable */
        SERVICE_UNAVAILABLE: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Gone */
        GONE: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
