/* SPDX-License-Identifier: MIT */
#include "fault_util.h"
int main(void)
{
    return tap_done();
}
