/* tasks.c - the registry of tasks. */
#include <string.h>

#include "task.h"

extern const task_type task_copy, task_adding, task_multiplication, task_temporal_order,
    task_temporal_order3, task_random_permutation, task_memorization, task_copy_exprnn, task_adding_pascanu,
    task_smnist, task_psmnist, task_rmnist;

static const task_type *const tasks[] = {
    &task_copy, &task_adding, &task_multiplication, &task_temporal_order,
    &task_temporal_order3, &task_random_permutation, &task_memorization, &task_copy_exprnn, &task_adding_pascanu,
    &task_smnist, &task_psmnist, &task_rmnist,
};

int task_count(void) { return (int)(sizeof tasks / sizeof tasks[0]); }

const task_type *task_at(int i) { return tasks[i]; }

const task_type *task_find(const char *name)
{
    for (int i = 0; i < task_count(); i++)
        if (strcmp(tasks[i]->name, name) == 0)
            return tasks[i];
    return NULL;
}

bool task_solved_at_99(double loss, double metric)
{
    (void)loss;
    return metric >= 0.99;
}
