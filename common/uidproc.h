/*
 * uidproc.h — the processes of a user id: whether any is alive, and
 * stopping them all (as that user, kill(-1) reaches every one of them,
 * however they were started; stopped first, they cannot fork).
 */
#ifndef VERONA_UIDPROC_H
#define VERONA_UIDPROC_H
/* 1 if a process of uid is alive (zombies do not count). */
int	uidproc_alive(unsigned uid);
/* Stops every process of uid, in rounds until none is left; only as root, never for uid 0. */
void	uidproc_kill_all(unsigned uid);
#endif
