"""The journey of an initcall, from its macro to the call at boot or at insmod
(``macrotrace journey``): build.py tells it station by station from real artifacts
(elf.py reads the object files, modc.py the module's NAME.mod.c, lds.py the linker
script); chains.py holds the kernel's side (Linux 6.1's call chains); model.py is the
result as plain data."""
