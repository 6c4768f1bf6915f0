#ifndef FERRY_SPAWN_H
#define FERRY_SPAWN_H

#include <spawn.h>

/// glibc's GNU extensions for posix_spawn, which Swift's Glibc module does not show:
/// a pipe whose ends close on exec, and file actions that close every descriptor from
/// `lowest` up and change the child's working directory. Each returns 0 or an errno value.
int ferry_pipe_cloexec(int fds[2]);
int ferry_spawn_closefrom(posix_spawn_file_actions_t *actions, int lowest);
int ferry_spawn_chdir(posix_spawn_file_actions_t *actions, const char *path);

/// syncfs(2), another GNU extension: flushes the whole file system holding `fd`. 0 or an errno value.
int ferry_syncfs(int fd);

#endif
