/*
 * log.h — diagnostics on stderr, prefixed with the program's name:
 * "verona-agent[juliet]: dropping controller: frame length ... over the limit".
 */
#ifndef VERONA_LOG_H
#define VERONA_LOG_H
void	log_init(const char *progname);
void	log_set_tag(const char *tag);
void	log_set_verbose(int);
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
#endif
