"""Web adapters: public pages, staff pages, webhooks, forms. Imports: any domain package."""
