// The logging module reads LOG_LEVEL when the app module is imported, before a suite can set it; errors still show.
process.env['LOG_LEVEL'] ??= 'error';
