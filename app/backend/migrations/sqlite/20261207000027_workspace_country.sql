-- A workspace's home country (ISO 3166-1 alpha-2, "GB"): its phone numbers may be typed as they
-- are dialled there and are shown so (issue 25, item 3). Chosen at sign-up from the browser's
-- languages, changed by the owner and admins; NULL (workspaces made before) until one is chosen,
-- and numbers are then typed with their country code.
ALTER TABLE workspaces ADD COLUMN country TEXT CHECK (country IS NULL OR length(country) = 2);
