/**
 * A name Postgres takes unquoted and keeps as written: lowercase letters, digits and `_`, not
 * starting with a digit. The dev init script writes role names into SQL, so nothing else may reach it.
 */
export const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** What a name must look like, with an example: the end of an error message. */
export const SQL_IDENTIFIER_RULE = 'must be a lowercase SQL identifier (a-z, 0-9 and _, not starting with a digit), such as "app_backup"';
