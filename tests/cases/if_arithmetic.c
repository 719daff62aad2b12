/* #if arithmetic: intmax/uintmax, promotion, shifts, division, chars */
#if 1
t0
#else
f0
#endif
#if 2+3==5
t1
#else
f1
#endif
#if -1<0
t2
#else
f2
#endif
#if -1<0u
t3
#else
f3
#endif
#if 0u-1==18446744073709551615
t4
#else
f4
#endif
#if (0u-1)>>63==1
t5
#else
f5
#endif
#if -1>>63==-1
t6
#else
f6
#endif
#if 1<<63<0
t7
#else
f7
#endif
#if (1<<63)>>63==-1
t8
#else
f8
#endif
#if 1u<<63>0
t9
#else
f9
#endif
#if -9223372036854775807-1<0
t10
#else
f10
#endif
#if 9223372036854775807+1<0
t11
#else
f11
#endif
#if 18446744073709551615==-1
t12
#else
f12
#endif
#if 0x7fffffffffffffff>0
t13
#else
f13
#endif
#if 0xffffffffffffffff>0
t14
#else
f14
#endif
#if 0x8000000000000000>0
t15
#else
f15
#endif
#if 9223372036854775808>0
t16
#else
f16
#endif
#if 010==8
t17
#else
f17
#endif
#if 0b101==5
t18
#else
f18
#endif
#if 0x10==16
t19
#else
f19
#endif
#if 1l==1
t20
#else
f20
#endif
#if 1ul==1
t21
#else
f21
#endif
#if 1ll==1
t22
#else
f22
#endif
#if 1LLU==1
t23
#else
f23
#endif
#if 'a'==97
t24
#else
f24
#endif
#if '\n'==10
t25
#else
f25
#endif
#if '\0'==0
t26
#else
f26
#endif
#if '\377'<0
t27
#else
f27
#endif
#if '\xff'==-1
t28
#else
f28
#endif
#if '\\'==92
t29
#else
f29
#endif
#if '\''==39
t30
#else
f30
#endif
#if 'ab'==24930
t31
#else
f31
#endif
#if 'abcd'==1633837924
t32
#else
f32
#endif
#if L'a'==97
t33
#else
f33
#endif
#if u'a'==97
t34
#else
f34
#endif
#if U'a'==97
t35
#else
f35
#endif
#if L'\xffffffff'<0
t36
#else
f36
#endif
#if u'\xffff'>0
t37
#else
f37
#endif
#if 'é'<0
t38
#else
f38
#endif
#if 5/2==2
t39
#else
f39
#endif
#if -5/2==-2
t40
#else
f40
#endif
#if 5%3==2
t41
#else
f41
#endif
#if -5%3==-2
t42
#else
f42
#endif
#if 5%-3==2
t43
#else
f43
#endif
#if (-9223372036854775807-1)/-1<0
t44
#else
f44
#endif
#if (-9223372036854775807-1)%-1==0
t45
#else
f45
#endif
#if 7/2u==3
t46
#else
f46
#endif
#if -7/2u>0
t47
#else
f47
#endif
#if 1?2:3
t48
#else
f48
#endif
#if 0?2:3
t49
#else
f49
#endif
#if (0?1u:-1)>0
t50
#else
f50
#endif
#if (1?-1:0u)>0
t51
#else
f51
#endif
#if 1||1/0
t52
#else
f52
#endif
#if 0&&1/0
t53
#else
f53
#endif
#if !(0&&1/0)
t54
#else
f54
#endif
#if (1?1:1/0)==1
t55
#else
f55
#endif
#if (0?1/0:2)==2
t56
#else
f56
#endif
#if ~0==-1
t57
#else
f57
#endif
#if ~0u>0
t58
#else
f58
#endif
#if !0
t59
#else
f59
#endif
#if !1==0
t60
#else
f60
#endif
#if -(-1)==1
t61
#else
f61
#endif
#if +3==3
t62
#else
f62
#endif
#if (1,2)==2
t63
#else
f63
#endif
#if (0,0)==0
t64
#else
f64
#endif
#if 3&5==1
t65
#else
f65
#endif
#if 3|5==7
t66
#else
f66
#endif
#if 3^5==6
t67
#else
f67
#endif
#if (3&5)==1
t68
#else
f68
#endif
#if 1<<-1==0
t69
#else
f69
#endif
#if 8>>-1==16
t70
#else
f70
#endif
#if 1<<64==0
t71
#else
f71
#endif
#if -1>>64==-1
t72
#else
f72
#endif
#if 1>>64==0
t73
#else
f73
#endif
#if -8>>1==-4
t74
#else
f74
#endif
#if 1u<<-1==0
t75
#else
f75
#endif
#if (1u>>-1)==2
t76
#else
f76
#endif
#if 2>1==1
t77
#else
f77
#endif
#if 1>=1
t78
#else
f78
#endif
#if 1<=1
t79
#else
f79
#endif
#if !(1!=1)
t80
#else
f80
#endif
#if 1==1==1
t81
#else
f81
#endif
#if (2<3<1)==1
t82
#else
f82
#endif
#if (1?2?3:4:5)==3
t83
#else
f83
#endif
#if (0?2:0?3:4)==4
t84
#else
f84
#endif
#if UNDEFINED==0
t85
#else
f85
#endif
#if !UNDEFINED
t86
#else
f86
#endif
#if (UNDEFINED+3)==3
t87
#else
f87
#endif
#if defined(X)==0
t88
#else
f88
#endif
#if true==0
t89
#else
f89
#endif
#if false==0
t90
#else
f90
#endif
