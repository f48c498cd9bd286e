/*
 * outdir.h — the folders verona writes its outputs into (run folders, a
 * class's grades folder and each student's folder in it), made safe for a
 * verona that runs as root next to programs and users that may be hostile
 * (DESIGN section 8): every such folder is made or taken over mode 0700,
 * owned by the user who runs verona, opened once (O_DIRECTORY|O_NOFOLLOW),
 * and everything in it is then created relative to that descriptor
 * (file_create_at, file_write_atomic_at), so a symlink or folder planted on
 * the way is refused or replaced, never written through.
 *
 * A folder verona makes gets a marker file of its own, OUTDIR_MARKER; only a
 * folder with that marker may be reused, and only when asked (OUTDIR_FORCE).
 *
 * The functions return a directory descriptor (close-on-exec, always above
 * 2, the caller closes it), or OUTDIR_REFUSED when the folder is not one
 * verona may write into (exit 2: the message in err says why and what to
 * do), or OUTDIR_FAILED when the system failed (exit 3; message in err).
 */
#ifndef VERONA_OUTDIR_H
#define VERONA_OUTDIR_H
#include <stddef.h>

#define OUTDIR_MARKER	".verona-run"
#define OUTDIR_REFUSED	(-2)
#define OUTDIR_FAILED	(-1)

enum outdir_flags {
	OUTDIR_FORCE	= 1,	/* a non-empty folder with verona's marker: empty it and reuse it */
	OUTDIR_REPLACE	= 2,	/* outdir_fresh: remove whatever was planted at the name (never following it) */
};

/*
 * The output folder path (--out, grades-NAME): made anew when it does not
 * exist; else used only if it is a directory (not a symlink) owned by the
 * user who runs verona and empty, or, with OUTDIR_FORCE, one verona made
 * (its marker is there, owned by that user), whose contents are then
 * removed without following any symlink.  The folder is set to mode 0700.
 */
int	outdir_open(const char *path, int flags, char *err, size_t errlen);

/*
 * A parent of run folders (the default "runs"): made 0700 when it does not
 * exist, else it must be a directory (not a symlink) owned by the user who
 * runs verona.  Its mode and contents are left alone.
 */
int	outdir_parent(const char *path, char *err, size_t errlen);

/*
 * A new folder name below parentfd, made here and now (mkdirat) mode 0700
 * with its marker; shown names it in messages.  When name exists already,
 * returns OUTDIR_FAILED with errno EEXIST (the caller may try another name),
 * or with OUTDIR_REPLACE (parentfd being a folder of verona's, where nothing
 * else belongs) removes it first: a symlink itself, a folder with all it
 * holds, never what a link points to.
 */
int	outdir_fresh(int parentfd, const char *name, int flags, const char *shown, char *err, size_t errlen);

/*
 * A new file name below dirfd, a folder of verona's: file_create_at, and
 * whatever was planted at name is removed first (as OUTDIR_REPLACE does).
 * Returns the fd (caller closes) or -1 (errno).
 */
int	outdir_file(int dirfd, const char *name);
#endif
