"""The journey of an initcall, from its macro to the call at boot or at insmod
(``macrotrace journey``): build.py tells it station by station from real artifacts —
the expansion, the declarations, the object file (elf.py reads it); built in, the
linker script (lds.py) and the boot chain; as a module, NAME.mod.c (modc.py), the .ko
(ko.py) and the insmod chain. chains.py holds the kernel's side (Linux 6.1's call
chains), evidence.py what several stations show, model.py the result as plain data."""
